"""casetrack: administrative review, litigation and mediation case tracking for a district government."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from casetrack.settings import load_settings


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_settings(app.instance_path, overrides))
    check_domain_settings(app)
    if app.config["CASETRACK_PROXY_HOPS"]:
        hops = app.config["CASETRACK_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_logging(app)
    register_extensions(app)
    register_ledger_sheets(app)
    register_document_owners()
    register_outcome_followers()
    register_kept_figures()
    register_blueprints(app)
    register_commands(app)
    register_errors(app)
    register_unit_of_work(app)
    register_access_records(app)
    register_template_helpers(app)
    register_security_headers(app)
    return app


def check_domain_settings(app: Flask) -> None:
    # Settings a domain reads in its own terms are checked by that domain at start-up, not at the first use.
    from casetrack.settings import ENV_PREFIX, ConfigurationError
    from casetrack.suggestions.rules import reply_periods

    try:
        reply_periods(str(app.config["CASETRACK_SUGGESTION_REPLY_PERIODS"]))
    except ValueError as exc:
        raise ConfigurationError(f"{ENV_PREFIX}SUGGESTION_REPLY_PERIODS: {exc}") from exc


def register_logging(app: Flask) -> None:
    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # Alembic announces each of its plugins at INFO on every CLI command; that drowns what the command says.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from casetrack import models, tasks  # noqa: F401  (every table and task registered)
    from casetrack.accounts.throttle import build_throttle
    from casetrack.celery_app import celery_init_app
    from casetrack.extensions import babel, csrf, db, login_manager, migrate
    from casetrack.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True, compare_type=True)
    from casetrack.web import apply_body_limit, guard_areas

    apply_body_limit(app)
    guard_areas(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    app.extensions["login_throttle"] = build_throttle(app.config)
    from casetrack.accounts import session_policy

    session_policy.register(app)
    celery_init_app(app)

    from casetrack.accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        # The session and the remember cookie carry "id:session version" (User.get_id): one made before the
        # version moved on (logout, new password, deactivation) — or before versions existed — names nobody.
        user_part, _, version = user_id.partition(":")
        if not (user_part.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_part))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(request):
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header.startswith("Bearer "):
            from casetrack.accounts.services import user_for_token

            return user_for_token(header[len("Bearer ") :].strip())
        return None


def register_ledger_sheets(app: Flask) -> None:
    # Here rather than in casetrack.ledger: the domains declare their sheets with ledger.specs, and the ledger
    # importing the domains back made a cycle (issue 9); the app is what knows which domains it has.
    from casetrack.cases.ledger import CASE_SHEET, SUSPENSION_SHEET
    from casetrack.hearings.ledger import HEARING_SHEET
    from casetrack.ledger.sheets import EXTENSION_KEY
    from casetrack.ledger.specs import SheetRegistry
    from casetrack.mediation.ledger import MEDIATION_SHEET
    from casetrack.suggestions.ledger import SUGGESTION_SHEET

    sheets = SheetRegistry()
    for spec in (CASE_SHEET, SUSPENSION_SHEET, HEARING_SHEET, MEDIATION_SHEET, SUGGESTION_SHEET):
        sheets.register(spec)
    app.extensions[EXTENSION_KEY] = sheets


def register_document_owners() -> None:
    # As with the ledger's sheets: the documents package knows no domain, each record with a file is declared here.
    from flask import url_for

    from casetrack.accounts.permissions import can
    from casetrack.cases.queries import get_visible_case
    from casetrack.documents.owners import OwnerKind, register
    from casetrack.errors import NotFound
    from casetrack.extensions import db
    from casetrack.i18n import N_
    from casetrack.interviews.models import Interview
    from casetrack.mediation.queries import get_visible_mediation
    from casetrack.risk.queries import get_visible_risk_case
    from casetrack.suggestions.queries import get_visible_suggestion

    def visible_interview(actor, interview_id: int):
        interview = db.session.get(Interview, interview_id) if can(actor, "read_interviews") else None
        if interview is None:
            raise NotFound(N_("The page or record does not exist."))
        return interview

    register(
        OwnerKind(
            "case",
            N_("Case"),
            get_visible_case,
            lambda case: case.respondent_unit_ids,
            lambda case: url_for("cases.show_case", case_id=case.id),
            lambda case: case.number,
            "case",
        )
    )
    register(
        OwnerKind(
            "mediation",
            N_("Mediation"),
            get_visible_mediation,
            lambda mediation: [mediation.respondent_unit_id],
            lambda mediation: url_for("mediation.show", mediation_id=mediation.id),
            lambda mediation: mediation.number,
            "mediation",
        )
    )
    register(
        OwnerKind(
            "risk_case",
            N_("Risk case"),
            get_visible_risk_case,
            lambda risk_case: risk_case.case.respondent_unit_ids,
            lambda risk_case: url_for("risk.show", risk_case_id=risk_case.id),
            lambda risk_case: risk_case.case.number,
            "risk_case",
        )
    )
    register(
        OwnerKind(
            "suggestion",
            N_("Suggestion"),
            get_visible_suggestion,
            lambda suggestion: suggestion.unit_ids,
            lambda suggestion: url_for("suggestions.show", suggestion_id=suggestion.id),
            lambda suggestion: suggestion.number,
            "suggestion",
        )
    )
    register(
        OwnerKind(
            "interview",
            N_("Interview"),
            visible_interview,
            lambda interview: [interview.unit_id],
            lambda interview: url_for("interviews.show", interview_id=interview.id),
            lambda interview: f"{interview.held_on} {interview.unit.name}",
            "interview",
        )
    )


def register_outcome_followers() -> None:
    # The work a correction or a loss leaves (rectification) follows the case's verbs without cases importing it.
    from casetrack.cases import services as case_services
    from casetrack.rectification.services import follow_outcome

    if follow_outcome not in case_services.OUTCOME_FOLLOWERS:
        case_services.OUTCOME_FOLLOWERS.append(follow_outcome)


def register_kept_figures() -> None:
    # Every session notes what its flushes change and recounts those figure buckets before it commits.
    from casetrack.stats import kept

    kept.register()


def register_blueprints(app: Flask) -> None:
    from casetrack.web import BoundedIntConverter

    # Before any route is added: every <int:…> in a URL is then bounded, so /cases/99999999999999999999 is a
    # 404 instead of an integer overflow in the database driver.
    app.url_map.converters["int"] = BoundedIntConverter
    from casetrack.accounts.views import admin_bp
    from casetrack.accounts.views import bp as accounts_bp
    from casetrack.api.views import bp as api_bp
    from casetrack.audit.views import bp as audit_bp
    from casetrack.case_file.views import admin_bp as document_templates_bp
    from casetrack.case_file.views import bp as case_file_bp
    from casetrack.cases.views import bp as cases_bp
    from casetrack.dashboard.views import bp as dashboard_bp
    from casetrack.documents.views import bp as documents_bp
    from casetrack.hearings.views import bp as hearings_bp
    from casetrack.interviews.views import bp as interviews_bp
    from casetrack.ledger.views import bp as ledger_bp
    from casetrack.mediation.views import bp as mediation_bp
    from casetrack.notifications.views import admin_bp as reminder_digests_bp
    from casetrack.notifications.views import bp as notifications_bp
    from casetrack.rectification.views import admin_bp as adverse_reasons_bp
    from casetrack.rectification.views import bp as rectification_bp
    from casetrack.reports.views import bp as reports_bp
    from casetrack.review_hearings.views import bp as review_hearings_bp
    from casetrack.risk.views import bp as risk_bp
    from casetrack.suggestions.views import bp as suggestions_bp
    from casetrack.summaries.views import bp as summaries_bp
    from casetrack.summaries.views import preview_bp as summary_preview_bp
    from casetrack.system.views import bp as system_bp
    from casetrack.workdays.views import bp as workdays_bp

    for blueprint in (
        system_bp,
        accounts_bp,
        admin_bp,
        cases_bp,
        documents_bp,
        case_file_bp,
        document_templates_bp,
        dashboard_bp,
        hearings_bp,
        review_hearings_bp,
        mediation_bp,
        notifications_bp,
        reminder_digests_bp,
        reports_bp,
        summaries_bp,
        summary_preview_bp,
        risk_bp,
        interviews_bp,
        suggestions_bp,
        rectification_bp,
        adverse_reasons_bp,
        ledger_bp,
        workdays_bp,
        api_bp,
        audit_bp,
    ):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from casetrack.accounts.cli import users_cli
    from casetrack.audit.cli import audit_cli
    from casetrack.cases.cli import cases_cli
    from casetrack.demo.cli import seed_demo_command
    from casetrack.documents.cli import files_cli
    from casetrack.ledger.cli import ledger_cli
    from casetrack.notifications.cli import reminders_command
    from casetrack.reports.cli import report_cli
    from casetrack.stats.cli import stats_cli
    from casetrack.summaries.cli import summaries_cli
    from casetrack.system.cli import backup_cli, keys_cli

    for command in (
        users_cli,
        ledger_cli,
        seed_demo_command,
        cases_cli,
        reminders_command,
        report_cli,
        stats_cli,
        files_cli,
        summaries_cli,
        audit_cli,
        keys_cli,
        backup_cli,
    ):
        app.cli.add_command(command)


def register_errors(app: Flask) -> None:
    from casetrack.errors import register_error_handlers

    register_error_handlers(app)


def register_access_records(app: Flask) -> None:
    from casetrack.web import record_downloads

    record_downloads(app)


def register_unit_of_work(app: Flask) -> None:
    from casetrack import unit_of_work

    unit_of_work.register_unit_of_work(app)


def register_template_helpers(app: Flask) -> None:
    from casetrack.web import register_template_globals

    register_template_globals(app)


def register_security_headers(app: Flask) -> None:
    from casetrack.web import register_security_headers as register

    register(app)
