from flask import Blueprint, jsonify
from sqlalchemy import text

from casetrack.extensions import db

bp = Blueprint("system", __name__)


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
