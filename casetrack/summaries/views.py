from __future__ import annotations

from flask import Blueprint, render_template, request

from casetrack.summaries import rules, services
from casetrack.web import roles_required

bp = Blueprint("summaries", __name__, url_prefix="/admin/summaries")

STATUSES = ("pending", "sent", "failed")


@bp.route("/")
@roles_required("admin")
def sends():
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    listing = services.recent_sends(
        kind if kind in rules.KINDS else "", status if status in STATUSES else "", page=page
    )
    return render_template(
        "summaries/sends.html", page=listing, kind=kind, status=status, kinds=rules.KINDS, statuses=STATUSES
    )
