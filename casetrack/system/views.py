from flask import Blueprint, current_app, jsonify, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from casetrack import broker
from casetrack.extensions import db

bp = Blueprint("system", __name__)


@bp.route("/healthz")
def health():
    """Each dependency's state, for a load balancer or a monitor: 200 only when every configured one answers."""
    checks = {"database": "ok", "broker": "not configured"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unreachable"
    if broker.broker_url():
        checks["broker"] = "ok" if broker.reachable(fresh=True) else "unreachable"
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    return jsonify(status="ok" if healthy else "degraded", checks=checks), 200 if healthy else 503


@bp.route("/favicon.ico")
def favicon():
    """The icon at the address browsers, bookmarks and feed readers ask for without reading the page's <link>."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )
