from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from casetrack.accounts import services
from casetrack.accounts.devices import known_device, remember_device
from casetrack.accounts.forms import ConfirmForm, LoginForm, PasswordForm, UnitForm, UserForm
from casetrack.accounts.models import TOKEN_STATES
from casetrack.accounts.permissions import can, landing_endpoint
from casetrack.audit.services import history
from casetrack.errors import DomainError
from casetrack.i18n import LOCALES
from casetrack.unit_of_work import attempt, attempted, savepoint
from casetrack.web import permission_required, safe_next

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


def _safe_next(target: str | None, user=None) -> str:
    return safe_next(target, url_for(landing_endpoint(user or current_user)))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(landing_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        throttle = current_app.extensions["login_throttle"]
        address = request.remote_addr or "unknown"
        device = known_device(form.username.data)
        wait = throttle.seconds_blocked(form.username.data, address, device)
        if wait:
            flash(
                gettext("Too many failed logins. Try again in %(minutes)s minutes.", minutes=max(1, -(-wait // 60))),
                "error",
            )
            return render_template("accounts/login.html", form=form), 429
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            throttle.record_failure(form.username.data, address, device)
            services.record_failed_login(form.username.data, address)
            flash(gettext("Wrong user name or password, or the account is deactivated."), "error")
            return render_template("accounts/login.html", form=form), 401
        throttle.record_success(form.username.data, address, device)
        session.clear()
        login_user(user, remember=form.remember.data)
        services.record_login(user, address)
        response = redirect(_safe_next(request.args.get("next"), user))
        remember_device(response, form.username.data, device)
        return response
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ends the user's sessions on every device, not only here: a saved copy of this browser's cookies has to stop
    # working as well, and a per-user version does that without keeping a table of sessions.
    services.end_sessions(current_user._get_current_object())
    services.record_logout(current_user._get_current_object(), request.remote_addr or "unknown")
    logout_user()
    session.clear()
    flash(gettext("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/locale/<code>", methods=["POST"])
def set_locale(code: str):
    if code in LOCALES:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def own_password():
    form = PasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        throttle = current_app.extensions["login_throttle"]
        address = request.remote_addr or "unknown"
        # The current password is guessed here as well as at /login, so the same lockout applies.
        device = known_device(user.username)
        wait = throttle.seconds_blocked(user.username, address, device)
        if wait:
            flash(
                gettext("Too many failed logins. Try again in %(minutes)s minutes.", minutes=max(1, -(-wait // 60))),
                "error",
            )
            return render_template("accounts/password.html", form=form, user=user), 429
        try:
            with savepoint():
                services.change_password(user, form.current_password.data, form.password.data)
        except services.WrongPassword as error:
            throttle.record_failure(user.username, address, device)
            flash(error.translated(), "error")
        except DomainError as error:
            flash(error.translated(), "error")
        else:
            throttle.record_success(user.username, address, device)
            # The change ended every session of the user, this one too; the person who just gave the password
            # stays logged in here, with a fresh remember cookie if this browser had one.
            login_user(
                user, remember=current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            )
            flash(gettext("Your password has been changed."), "info")
            return redirect(url_for(landing_endpoint(user)))
    return render_template("accounts/password.html", form=form, user=user)


# --- administration ------------------------------------------------------------------------------------------


def _unit_choices(blank: bool = True):
    choices = [(0, gettext("— none —"))] if blank else []
    return choices + [(unit.id, unit.name) for unit in services.all_units(active_only=True)]


def _chosen_units(form, user) -> list:
    """The units ticked, for a user whose role oversees units; a user moved to another role keeps none."""
    if not can(user, "oversee_units"):
        return []
    return [services.get_unit(unit_id) for unit_id in form.overseen_unit_ids.data or []]


@admin_bp.route("/users")
@permission_required("administer")
def users():
    return render_template("admin/users.html", users=services.all_users(), form=ConfirmForm())


@admin_bp.route("/users/new", methods=["GET", "POST"])
@permission_required("administer")
def new_user():
    form = UserForm()
    form.unit_id.choices = _unit_choices()
    form.overseen_unit_ids.choices = _unit_choices(blank=False)
    if form.validate_on_submit():
        unit = services.get_unit(form.unit_id.data) if form.unit_id.data else None

        def create():
            user = services.create_user(
                form.username.data,
                form.role.data,
                form.password.data or "",
                current_user,
                unit=unit,
                email=form.email.data,
                display_name=form.display_name.data or "",
            )
            return services.set_overseen_units(user, _chosen_units(form, user), current_user)

        done, user = attempted(create)
        if done:
            flash(gettext("User %(name)s created.", name=user.username), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("administer")
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    form.unit_id.choices = _unit_choices()
    form.overseen_unit_ids.choices = _unit_choices(blank=False)
    if request.method == "GET":
        form.unit_id.data = user.unit_id or 0
        form.overseen_unit_ids.data = [unit.id for unit in user.overseen]
    if form.validate_on_submit():
        unit = services.get_unit(form.unit_id.data) if form.unit_id.data else None

        def save():
            services.update_user(
                user,
                current_user,
                role=form.role.data,
                unit=unit,
                email=form.email.data,
                display_name=form.display_name.data or "",
            )
            services.set_overseen_units(user, _chosen_units(form, user), current_user)
            if form.password.data:
                services.reset_password(user, form.password.data, current_user)

        if attempt(save, gettext("User %(name)s saved.", name=user.username)):
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, history=history("user", user.id))


@admin_bp.route("/users/<int:user_id>/active", methods=["POST"])
@permission_required("administer")
def toggle_user(user_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        user = services.get_user(user_id)
        if attempt(lambda: services.set_active(user, not user.active, current_user)):
            flash(
                gettext("User %(name)s activated.", name=user.username)
                if user.active
                else gettext("User %(name)s deactivated.", name=user.username),
                "info",
            )
    return redirect(url_for("admin.users"))


@admin_bp.route("/units")
@permission_required("administer")
def units():
    return render_template("admin/units.html", units=services.all_units())


@admin_bp.route("/units/new", methods=["GET", "POST"])
@admin_bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@permission_required("administer")
def edit_unit(unit_id: int | None = None):
    unit = services.get_unit(unit_id) if unit_id else None
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        done, saved = attempted(
            lambda: services.save_unit(
                unit,
                current_user,
                name=form.name.data,
                kind=form.kind.data,
                head_name=form.head_name.data,
                active=form.active.data,
            )
        )
        if done:
            flash(gettext("Unit %(name)s saved.", name=saved.name), "info")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@admin_bp.route("/tokens")
@permission_required("administer")
def tokens():
    return render_template(
        "admin/tokens.html",
        tokens=services.all_tokens(),
        now=datetime.now(UTC),
        states=TOKEN_STATES,
        form=ConfirmForm(),
    )


@admin_bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@permission_required("administer")
def revoke_token(token_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        token = services.get_token(token_id)
        attempt(
            lambda: services.revoke_token(token, current_user),
            gettext("API token %(id)s of %(name)s revoked.", id=token.id, name=token.user.username),
        )
    return redirect(url_for("admin.tokens"))
