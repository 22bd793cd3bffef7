from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casetrack import deliveries
from casetrack.accounts.forms import ConfirmForm
from casetrack.broker import enqueue
from casetrack.params import parse_id
from casetrack.summaries import rules, services
from casetrack.summaries.tasks import deliver
from casetrack.unit_of_work import after_commit, attempt
from casetrack.web import permission_required

bp = Blueprint("summaries", __name__, url_prefix="/admin/summaries")


@bp.route("/")
@permission_required("administer")
def sends():
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    page = request.args.get("page", "1")
    page = min(parse_id(page) or 1, 999_999)
    kind, status = (kind if kind in rules.KINDS else ""), (status if status in deliveries.STATUSES else "")
    listing = services.recent_sends(kind, status, page=page)
    return render_template(
        "summaries/sends.html",
        page=listing,
        kind=kind,
        status=status,
        kinds=rules.KINDS,
        statuses=deliveries.STATUSES,
        form=ConfirmForm(),
    )


@bp.route("/<int:send_id>/resend", methods=["POST"])
@permission_required("administer")
def resend(send_id: int):
    ConfirmForm().validate_on_submit() or abort(400)
    if attempt(lambda: services.allow_resend(send_id, current_user), _("The copy will be sent again.")):
        after_commit(lambda: enqueue(deliver, send_id))
    return redirect(url_for("summaries.sends"))
