from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from casetrack.accounts import second_factor, services, session_policy
from casetrack.accounts.devices import known_device, remember_device
from casetrack.accounts.forms import CodeForm, ConfirmForm, LoginForm, PasswordForm, PolicyForm, UnitForm, UserForm
from casetrack.accounts.models import TOKEN_STATES, User
from casetrack.accounts.permissions import assignable_roles, can, landing_endpoint, may_manage_account
from casetrack.audit.services import history
from casetrack.clock import utc_now
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.i18n import LOCALES
from casetrack.unit_of_work import attempt, attempted, savepoint
from casetrack.web import permission_required, safe_next

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


def _safe_next(target: str | None, user=None) -> str:
    return safe_next(target, url_for(landing_endpoint(user or current_user)))


def _login_page(form):
    return render_template("accounts/login.html", form=form, mfa_roles=second_factor.required_roles())


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
            return _login_page(form), 429
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            throttle.record_failure(form.username.data, address, device)
            services.record_failed_login(form.username.data, address)
            flash(gettext("Wrong user name or password, or the account is deactivated."), "error")
            return _login_page(form), 401
        session.clear()
        if user.has_second_factor or second_factor.required_for(user):
            # The failures counted so far stay counted until the second step is passed too: re-entering the password
            # must not wipe the codes guessed in between.
            # The password was right; the session holds only who is half-way in, until the second step.
            session[PENDING] = {
                "user": user.id,
                "version": user.session_version,
                "remember": bool(form.remember.data),
                "until": utc_now().timestamp() + PENDING_SECONDS,
                "next": request.args.get("next") or "",
            }
            return redirect(url_for("accounts.second_step"))
        throttle.record_success(form.username.data, address, device)
        return _signed_in(user, form.remember.data, request.args.get("next"), device)
    return _login_page(form)


#: Session key of a sign-in whose password was right and whose second step is to come, and how long it waits.
PENDING, PENDING_SECONDS = "second_step", 300
#: Session key of the secret offered at enrolment, until a code confirms the app holds it.
OFFERED_SECRET = "offered_secret"


def _signed_in(user, remember: bool, next_url: str | None, device: str | None = None):
    """Finish a sign-in: the session starts, the entry is written, the browser goes where it was going."""
    if services.single_session():
        services.end_sessions(user)
    login_user(user, remember=remember)
    session_policy.start()
    address = request.remote_addr or "unknown"
    services.record_login(user, address)
    response = redirect(_safe_next(next_url, user))
    remember_device(response, user.username, device if device is not None else known_device(user.username))
    return response


def _pending_user():
    """The user half-way through signing in, or None (none pending, expired, or the account changed since)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < utc_now().timestamp():
        return None
    user = db.session.get(User, pending.get("user") or 0)
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user


@bp.route("/login/second-step", methods=["GET", "POST"])
def second_step():
    """The sign-in's second step: a code from the authenticator app (or a recovery code); or, for an account that
    must have a second factor and has none yet, its enrolment."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(gettext("Sign in again: the second step waits five minutes."), "info")
        return redirect(url_for("accounts.login"))
    if not user.has_second_factor:
        return _enrolment(user, signing_in=True)
    form = CodeForm()
    if form.validate_on_submit():
        throttle = current_app.extensions["login_throttle"]
        address, device = request.remote_addr or "unknown", known_device(user.username)
        if throttle.seconds_blocked(user.username, address, device):
            flash(gettext("Too many failed logins. Try again in %(minutes)s minutes.", minutes=15), "error")
            return render_template("accounts/second_step.html", form=form), 429
        kind = second_factor.verify(user, form.code.data)
        if kind is None:
            throttle.record_failure(user.username, address, device)
            services.record_failed_login(user.username, address, step="second factor")
            flash(gettext("That code is wrong or was used already."), "error")
            return render_template("accounts/second_step.html", form=form), 401
        throttle.record_success(user.username, address, device)
        pending = session.pop(PENDING)
        if kind == "recovery":
            flash(
                gettext(
                    "You signed in with a recovery code; %(left)s are left. Each works once.",
                    left=second_factor.recovery_codes_left(user),
                ),
                "info",
            )
        return _signed_in(user, pending["remember"], pending["next"], device)
    return render_template("accounts/second_step.html", form=form), 400 if form.errors else 200


def _enrolment(user, signing_in: bool):
    secret = session.get(OFFERED_SECRET) or second_factor.new_secret()
    session[OFFERED_SECRET] = secret
    form = CodeForm()
    # Enrolment takes the app's code only: a recovery code does not exist yet.
    form.code.description = gettext("Enter the six digits the app now shows.")
    refused = bool(form.errors)
    if form.validate_on_submit():
        done, codes = attempted(lambda: second_factor.enrol(user, secret, form.code.data))
        refused = not done
        if done:
            session.pop(OFFERED_SECRET, None)
            if signing_in:
                pending = session.pop(PENDING)
                _signed_in(user, pending["remember"], None)
                session["after_codes"] = pending["next"] or ""
            return render_template("accounts/recovery_codes.html", codes=codes)
    uri = second_factor.provisioning_uri(user, secret)
    return render_template(
        "accounts/enrol.html",
        form=form,
        secret=secret,
        qr=Markup(second_factor.qr_svg(uri)),
        required=second_factor.required_for(user),
    ), 400 if refused or form.errors else 200


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def own_second_factor():
    """Enrol a second factor (anyone may; some roles must), or turn an optional one off."""
    user = current_user._get_current_object()
    if not user.has_second_factor:
        return _enrolment(user, signing_in=False)
    form = ConfirmForm()
    if form.validate_on_submit() and attempt(
        lambda: second_factor.remove_own(user), gettext("The second factor is turned off.")
    ):
        return redirect(url_for("accounts.own_second_factor"))
    return render_template(
        "accounts/second_factor.html",
        form=form,
        left=second_factor.recovery_codes_left(user),
        required=second_factor.required_for(user),
    )


@bp.route("/account/continue")
@login_required
def after_recovery_codes():
    return redirect(_safe_next(session.pop("after_codes", None)))


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
            return render_template(
                "accounts/password.html", form=form, user=user, policy=services.password_policy()
            ), 429
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
            session_policy.start()
            flash(gettext("Your password has been changed."), "info")
            return redirect(url_for(landing_endpoint(user)))
    return render_template(
        "accounts/password.html",
        form=form,
        user=user,
        policy=services.password_policy(),
        expired=services.must_change_password(user) and not user.must_change_password,
    )


# --- administration ------------------------------------------------------------------------------------------


def _unit_choices(blank: bool = True):
    choices = [(0, gettext("— none —"))] if blank else []
    return choices + [(unit.id, unit.name) for unit in services.all_units(active_only=True)]


def _chosen_units(form, user) -> list:
    """The units ticked, for a user whose role oversees units; a user moved to another role keeps none."""
    if not can(user, "oversee_units"):
        return []
    return [services.get_unit(unit_id) for unit_id in form.overseen_unit_ids.data or []]


def _role_choices(form, user=None) -> None:
    """The roles the acting administrator may give (三员分立), and the account's own."""
    allowed = set(assignable_roles(current_user)) | ({user.role} if user is not None else set())
    form.role.choices = [(code, name) for code, name in form.role.choices if code in allowed]


@admin_bp.route("/users")
@permission_required("manage_users")
def users():
    listed = services.all_users()
    manageable = {user.id for user in listed if may_manage_account(current_user, user)}
    return render_template("admin/users.html", users=listed, manageable=manageable, form=ConfirmForm())


@admin_bp.route("/users/new", methods=["GET", "POST"])
@permission_required("manage_users")
def new_user():
    form = UserForm()
    _role_choices(form)
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
@permission_required("manage_users")
def edit_user(user_id: int):
    user = services.get_user(user_id)
    if not may_manage_account(current_user, user):
        abort(403)
    form = UserForm(obj=user if request.method == "GET" else None)
    _role_choices(form, user)
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
    # The account's history is the audit trail's: the audit administrator's to read, not the other two's.
    entries = history("user", user.id) if can(current_user, "read_audit_trail") else []
    return render_template("admin/user_form.html", form=form, user=user, history=entries, confirm_form=ConfirmForm())


@admin_bp.route("/users/<int:user_id>/active", methods=["POST"])
@permission_required("lock_accounts")
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


@admin_bp.route("/security-policy", methods=["GET", "POST"])
@permission_required("set_security_policy")
def security_policy():
    policy = services.password_policy()
    form = PolicyForm(
        data={
            "min_length": policy.min_length,
            "classes": policy.classes,
            "history": policy.history,
            "max_age_days": policy.max_age_days,
            "idle_minutes": services.idle_minutes(),
            "single_session": services.single_session(),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        saved = attempt(
            lambda: services.save_policy(
                current_user,
                idle=form.idle_minutes.data,
                single=form.single_session.data,
                min_length=form.min_length.data,
                classes=form.classes.data,
                history=form.history.data,
                max_age_days=form.max_age_days.data,
            ),
            gettext("The password and session policy is saved."),
        )
        if saved:
            return redirect(url_for("admin.security_policy"))
    return render_template("admin/security_policy.html", form=form), 400 if form.errors else 200


@admin_bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@permission_required("reset_second_factor")
def reset_second_factor(user_id: int):
    form = ConfirmForm()
    user = services.get_user(user_id)
    if form.validate_on_submit():
        attempt(
            lambda: second_factor.reset(user, current_user),
            gettext(
                "The second factor of %(name)s is reset: they enrol again at the next sign-in.", name=user.username
            ),
        )
    return redirect(url_for("admin.edit_user", user_id=user.id))
