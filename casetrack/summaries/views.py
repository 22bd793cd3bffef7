from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casetrack import deliveries
from casetrack.accounts.forms import ConfirmForm
from casetrack.broker import enqueue
from casetrack.clock import local_today
from casetrack.params import parse_id
from casetrack.summaries import rules, services
from casetrack.summaries.forms import SUMMARY_NAMES, PreviewForm, TargetForm
from casetrack.summaries.tasks import deliver, deliver_to_target
from casetrack.unit_of_work import after_commit, attempt
from casetrack.web import permission_required

bp = Blueprint("summaries", __name__, url_prefix="/admin/summaries")
#: A leader's own preview and test copy; an administrator's of any leader.
preview_bp = Blueprint("summary_preview", __name__, url_prefix="/summaries")


@bp.route("/")
@permission_required("administer")
def sends():
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    page = min(parse_id(request.args.get("page", "1")) or 1, 999_999)
    kind, status = (kind if kind in rules.KINDS else ""), (status if status in deliveries.STATUSES else "")
    return _sends_page(TargetForm(), kind, status, page)


def _sends_page(target_form: TargetForm, kind: str = "", status: str = "", page: int = 1):
    return render_template(
        "summaries/sends.html",
        page=services.recent_sends(kind, status, page=page),
        group_page=services.recent_target_sends(),
        targets=services.all_targets(),
        target_form=target_form,
        target_kinds=rules.TARGET_KINDS,
        summary_names=SUMMARY_NAMES,
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


@bp.route("/groups/<int:send_id>/resend", methods=["POST"])
@permission_required("administer")
def resend_to_group(send_id: int):
    ConfirmForm().validate_on_submit() or abort(400)
    if attempt(lambda: services.allow_target_resend(send_id, current_user), _("The copy will be sent again.")):
        after_commit(lambda: enqueue(deliver_to_target, send_id))
    return redirect(url_for("summaries.sends") + "#group-sends")


@bp.route("/targets", methods=["POST"])
@permission_required("administer")
def add_target():
    form = TargetForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.add_target(
                current_user,
                name=form.name.data,
                kind=form.kind.data,
                webhook=form.webhook.data,
                secret=form.secret.data,
                summaries=",".join(form.summaries.data or []),
            ),
            _("Delivery target %(name)s added.", name=form.name.data.strip()),
        )
        if done:
            return redirect(url_for("summaries.sends") + "#targets")
    return _sends_page(form), 400


@bp.route("/targets/<int:target_id>/active", methods=["POST"])
@permission_required("administer")
def toggle_target(target_id: int):
    ConfirmForm().validate_on_submit() or abort(400)
    active = request.form.get("active") == "1"
    attempt(
        lambda: services.set_target_active(target_id, active, current_user),
        _("The target will receive the summaries.") if active else _("The target receives no more summaries."),
    )
    return redirect(url_for("summaries.sends") + "#targets")


def _preview_choice() -> tuple[PreviewForm, str, object]:
    """The summary asked for and whose copy (services.preview_reader_for decides whose)."""
    form = PreviewForm(request.args, meta={"csrf": False})
    kind = form.kind.data if form.kind.data in rules.KINDS else "monthly"
    reader, choices = services.preview_reader_for(current_user, parse_id(request.args.get("leader_id", "")))
    form.leader_id.choices = (
        [(0, _("A leader with no units overseen"))] + [(u.id, u.label) for u in choices] if choices is not None else []
    )
    return form, kind, reader


@preview_bp.route("/preview")
@permission_required("preview_summaries")
def preview():
    form, kind, reader = _preview_choice()
    today = local_today()
    message = services.compose_preview(kind, services.next_period(kind, today), reader, today)
    return render_template(
        "summaries/preview.html",
        form=form,
        kind=kind,
        kind_name=SUMMARY_NAMES[kind],
        reader=reader,
        message=message,
        query={"kind": kind, **({"leader_id": reader.id} if reader.id else {})},
        test_form=ConfirmForm(),
    )


@preview_bp.route("/preview/message")
@permission_required("preview_summaries")
def preview_message():
    """The HTML part as it is mailed, its picture from the route below: opened on its own, sandboxed as an
    uploaded file is (it is built from what people typed)."""
    _form, kind, reader = _preview_choice()
    today = local_today()
    message = services.compose_preview(kind, services.next_period(kind, today), reader, today)
    html = message.html
    for picture in message.inline:
        html = html.replace(f"cid:{picture.content_id}", url_for(".preview_chart", **request.args))
    response = Response(html, mimetype="text/html")
    response.serves_user_file = True
    return response


@preview_bp.route("/preview/chart.png")
@permission_required("preview_summaries")
def preview_chart():
    _form, kind, reader = _preview_choice()
    today = local_today()
    if kind != "monthly":
        abort(404)
    year, month = rules.parse_month_key(services.next_period(kind, today))
    return Response(services.monthly_chart_png(year, month, today), mimetype="image/png")


@preview_bp.route("/preview/test", methods=["POST"])
@permission_required("preview_summaries")
def send_test():
    ConfirmForm().validate_on_submit() or abort(400)
    _form, kind, reader = _preview_choice()
    attempt(
        lambda: services.send_test_copy(kind, reader, current_user, local_today()),
        _("A test copy was sent to %(email)s.", email=current_user.email or ""),
    )
    return redirect(url_for(".preview", **request.args))
