from __future__ import annotations

from celery import shared_task
from sqlalchemy import func, select

from casetrack.accounts.models import User
from casetrack.extensions import db


@shared_task(name="system.ping")
def ping() -> dict:
    """A health check that proves the worker reaches the broker and the database."""
    return {"pong": True, "users": db.session.scalar(select(func.count(User.id)))}
