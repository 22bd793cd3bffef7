from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from casetrack import deliveries
from casetrack.accounts.forms import ConfirmForm
from casetrack.broker import enqueue
from casetrack.extensions import db
from casetrack.notifications import services
from casetrack.notifications.models import Notification
from casetrack.notifications.tasks import deliver_digest
from casetrack.params import parse_id
from casetrack.unit_of_work import after_commit, attempt
from casetrack.web import permission_required, safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    items = [(n, services.render_message(n)) for n in services.notifications_for(current_user.id)]
    return render_template("notifications/list.html", items=items, form=ConfirmForm())


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    ConfirmForm().validate_on_submit() or abort(400)
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    services.mark_read(current_user.id, notification_id)
    return redirect(safe_next(notification.url, url_for("notifications.index")))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    ConfirmForm().validate_on_submit() or abort(400)
    services.mark_read(current_user.id)
    return redirect(url_for("notifications.index"))


admin_bp = Blueprint("reminder_digests", __name__, url_prefix="/admin/reminders")


@admin_bp.route("/")
@permission_required("administer")
def digests():
    status = request.args.get("status", "")
    status = status if status in deliveries.STATUSES else ""
    page = min(parse_id(request.args.get("page", "1")) or 1, 999_999)
    return render_template(
        "notifications/digests.html",
        page=services.recent_digests(status, page=page),
        status=status,
        statuses=deliveries.STATUSES,
        form=ConfirmForm(),
    )


@admin_bp.route("/<int:digest_id>/resend", methods=["POST"])
@permission_required("administer")
def resend(digest_id: int):
    ConfirmForm().validate_on_submit() or abort(400)
    if attempt(lambda: services.allow_resend(digest_id, current_user), _("The copy will be sent again.")):
        after_commit(lambda: enqueue(deliver_digest, digest_id))
    return redirect(url_for("reminder_digests.digests"))
