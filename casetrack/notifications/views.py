from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from casetrack.accounts.forms import ConfirmForm
from casetrack.extensions import db
from casetrack.notifications import services
from casetrack.notifications.models import Notification
from casetrack.web import safe_next

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
