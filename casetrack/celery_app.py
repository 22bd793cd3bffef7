"""Celery bound to the Flask app: every task runs inside an app context."""

from __future__ import annotations

import logging

from celery import Celery, Task
from flask import Flask, has_app_context

log = logging.getLogger(__name__)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # Eager tasks in tests already run inside the caller's app context; pushing a second one would
            # give the task a different database session than the test that called it.
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.conf.beat_schedule = beat_schedule()
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def beat_schedule() -> dict:
    """Every periodic job in one place, by explicit task name (times are Asia/Shanghai)."""
    from celery.schedules import crontab

    return {
        "kept-figures-nightly": {
            "task": "stats.keep_figures",
            "schedule": crontab(hour=0, minute=5),
        },
        "refresh-deadlines-nightly": {
            "task": "cases.refresh_deadlines",
            "schedule": crontab(hour=0, minute=30),
        },
        "backup-nightly": {
            "task": "system.nightly_backup",
            "schedule": crontab(hour=2, minute=30),
        },
        "risk-rescore-nightly": {
            "task": "risk.rescore_all",
            "schedule": crontab(hour=1, minute=30),
        },
        "risk-overdue-items-daily": {
            "task": "risk.flag_overdue_items",
            "schedule": crontab(hour=7, minute=0),
        },
        "monthly-figures": {
            "task": "stats.compute_monthly",
            "schedule": crontab(day_of_month=1, hour=1, minute=0),
        },
        "leader-monthly-summary": {
            "task": "summaries.send_monthly",
            "schedule": crontab(day_of_month=1, hour=8, minute=0),
        },
        "leader-risk-digest": {
            "task": "summaries.send_risk_digest",
            "schedule": crontab(day_of_week=1, hour=8, minute=0),
        },
        "leader-summaries-stalled": {
            "task": "summaries.redispatch_stalled",
            "schedule": crontab(minute=17),
        },
        "annual-report": {
            "task": "reports.build_annual",
            "schedule": crontab(month_of_year=1, day_of_month=5, hour=2, minute=0),
        },
        "daily-reminders": {
            "task": "notifications.daily_reminders",
            "schedule": crontab(hour=7, minute=30),
        },
        "reminder-digests-stalled": {
            "task": "notifications.redispatch_stalled",
            "schedule": crontab(minute=23),
        },
    }
