"""Users, units and API tokens. Each verb takes the acting user, flushes, and leaves the commit to the caller."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from casetrack.accounts import rules
from casetrack.accounts.models import ApiToken, PasswordHistory, SecurityPolicy, Unit, User
from casetrack.accounts.permissions import can, is_valid_role, may_assign_role, may_manage_account, needs_unit
from casetrack.audit import services as audit
from casetrack.errors import DomainError, NotFound, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_

log = logging.getLogger(__name__)

_hasher = PasswordHasher()
# Verifying against a dummy hash when the user does not exist keeps the answer time the same, so timing
# does not reveal which user names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _require_admin(actor) -> None:
    if not can(actor, "administer"):
        raise PermissionDenied(N_("Only an administrator can manage users and units."))


def _require_account_manager(actor, user: User | None = None, role: str | None = None) -> None:
    """三员分立: who may change an account, and which role they may give it."""
    if not can(actor, "manage_users") or (user is not None and not may_manage_account(actor, user)):
        raise PermissionDenied(N_("Only the security administrator can change an administrator's account."))
    if role is not None and not may_assign_role(actor, role):
        raise PermissionDenied(N_("Only the security administrator can give an account the role %(role)s."), role=role)


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def find_unit(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.name == name.strip()))


def authenticate(username: str, password: str) -> User | None:
    user = find_user(username)
    if user is None:
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = datetime.now(UTC)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


def _check_user_fields(role: str, unit: Unit | None, password: str | None, username: str = "") -> None:
    if not is_valid_role(role):
        raise DomainError(N_("Unknown role %(role)s."), role=role)
    if needs_unit(role) and unit is None:
        raise DomainError(N_("A unit liaison must belong to a unit."))
    if password is not None:
        _check_strength(password, username)


def _check_strength(password: str, username: str) -> None:
    weakness = rules.validate_password(password, username, password_policy())
    if weakness:
        message, params = weakness
        raise DomainError(message, **params)


# --- the security administrator's policy ------------------------------------------------------------------------


def _policy_row() -> SecurityPolicy | None:
    return db.session.get(SecurityPolicy, 1)


def password_policy() -> rules.PasswordPolicy:
    row = _policy_row()
    if row is None:
        return rules.DEFAULT_POLICY
    return rules.PasswordPolicy(row.min_length, row.classes, row.history, row.max_age_days)


def idle_minutes() -> int:
    """Minutes without a request after which a session ends (0: never)."""
    row = _policy_row()
    if row is not None and row.idle_minutes is not None:
        return row.idle_minutes
    return int(current_app.config["CASETRACK_SESSION_IDLE_MINUTES"])


def single_session() -> bool:
    row = _policy_row()
    return bool(row and row.single_session)


def save_policy(actor, *, idle: int, single: bool, **values: int) -> None:
    """The security administrator sets the password and session policy (rules.POLICY_BOUNDS). Flushes."""
    if not can(actor, "set_security_policy"):
        raise PermissionDenied(N_("Only the security administrator sets the password and session policy."))
    for name, (low, high) in rules.POLICY_BOUNDS.items():
        if not low <= values[name] <= high:
            raise DomainError(N_("%(value)s is outside %(low)s–%(high)s."), value=values[name], low=low, high=high)
    if not 0 <= idle <= 24 * 60:
        raise DomainError(N_("%(value)s is outside %(low)s–%(high)s."), value=idle, low=0, high=24 * 60)
    row = _policy_row()
    before = {} if row is None else {**_policy_values(row)}
    if row is None:
        row = SecurityPolicy(id=1)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.idle_minutes, row.single_session = idle, single
    row.updated_at, row.updated_by_id = datetime.now(UTC), getattr(actor, "id", None)
    db.session.flush()
    audit.record("security_policy", 1, "updated", actor, audit.diff(before, _policy_values(row)))


def _policy_values(row: SecurityPolicy) -> dict:
    return {
        "min_length": row.min_length,
        "classes": row.classes,
        "history": row.history,
        "max_age_days": row.max_age_days,
        "idle_minutes": row.idle_minutes,
        "single_session": row.single_session,
    }


def must_change_password(user: User) -> bool:
    """Whether ``user`` has to choose a new password before doing anything else: it was set by an administrator,
    or it has expired."""
    return user.must_change_password or rules.password_expired(
        user.password_changed_at, datetime.now(UTC), password_policy()
    )


def create_user(
    username: str,
    role: str,
    password: str,
    actor,
    unit: Unit | None = None,
    email: str | None = None,
    display_name: str = "",
    password_hash: str | None = None,
    must_change: bool = True,
) -> User:
    """Create a user, who must change the password at first login unless ``must_change`` is false (the demo's
    users, who share a printed one). ``password_hash`` lets a caller that makes several users with one password
    (the demo) hash it once: argon2 is slow on purpose."""
    _require_account_manager(actor, role=role if is_valid_role(role) else None)
    username = username.strip()
    if not username:
        raise DomainError(N_("The user name is required."))
    if find_user(username) is not None:
        raise DomainError(N_("The user name %(name)s is taken."), name=username)
    _check_user_fields(role, unit, password, username)
    user = User(
        username=username,
        role=role,
        unit=unit if needs_unit(role) else None,
        email=email or None,
        display_name=display_name or username,
        password_hash=password_hash or hash_password(password),
        active=True,
        password_changed_at=datetime.now(UTC),
        must_change_password=must_change,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user", user.id, "created", actor, [("role", None, role), ("unit", None, unit.name if unit else None)])
    return user


def update_user(user: User, actor, *, role: str, unit: Unit | None, email: str | None, display_name: str) -> User:
    _require_account_manager(actor, user, role=role if role != user.role and is_valid_role(role) else None)
    if role != user.role and getattr(actor, "id", None) == user.id:
        raise PermissionDenied(N_("Nobody changes their own role."))
    role_changed = role != user.role
    _check_user_fields(role, unit, None)
    before = {
        "role": user.role,
        "unit": user.unit.name if user.unit else None,
        "email": user.email,
        "display_name": user.display_name,
        "overseen_units": ", ".join(unit.name for unit in user.overseen) or None,
    }
    user.role, user.unit, user.email, user.display_name = (
        role,
        unit if needs_unit(role) else None,
        email or None,
        display_name,
    )
    if user.overseen and not can(user, "oversee_units"):
        user.overseen = []
    if role_changed:
        # A session made under the old role would carry on with what the new one may not do.
        end_sessions(user)
    db.session.flush()
    after = {
        "role": role,
        "unit": user.unit.name if user.unit else None,
        "email": user.email,
        "display_name": display_name,
        "overseen_units": ", ".join(unit.name for unit in user.overseen) or None,
    }
    audit.record("user", user.id, "updated", actor, audit.diff(before, after))
    return user


def set_overseen_units(user: User, units: list[Unit], actor) -> User:
    """The units ``user`` oversees (分管); an empty list clears them. Only a leader oversees units. Flushes."""
    _require_account_manager(actor, user)
    chosen = sorted({unit.id: unit for unit in units}.values(), key=lambda unit: unit.name)
    if chosen and not can(user, "oversee_units"):
        raise DomainError(N_("Only a district leader oversees units."))
    before = ", ".join(unit.name for unit in user.overseen) or None
    after = ", ".join(unit.name for unit in chosen) or None
    if before != after:
        user.overseen = chosen
        db.session.flush()
        audit.record("user", user.id, "updated", actor, [("overseen_units", before, after)])
    return user


def set_active(user: User, active: bool, actor) -> None:
    """Lock (deactivate) or unlock an account: the security administrator's."""
    if not can(actor, "lock_accounts"):
        raise PermissionDenied(N_("Only the security administrator can lock and unlock accounts."))
    if actor is not None and user.id == actor.id and not active:
        raise DomainError(N_("You cannot deactivate yourself."))
    if user.active != active:
        audit.record(
            "user", user.id, "activated" if active else "deactivated", actor, [("active", user.active, active)]
        )
        user.active = active
        if not active:
            # Revoked rather than merely refused while inactive: reactivating the account must not revive them.
            end_sessions(user)
            revoke_tokens(user, actor)
        db.session.flush()


def record_login(user: User, address: str) -> None:
    audit.record("user", user.id, "logged_in", user, comment=address)
    log.info("login: %s from %s", user.username, address)


def record_failed_login(username: str, address: str, step: str = "") -> None:
    """Kept whatever the answer: under the named account when there is one, else as an unknown name."""
    named = db.session.scalar(select(User.id).where(func.lower(User.username) == username.strip().lower()))
    comment = f"{username.strip()[:64]} from {address}" + (f" ({step})" if step else "")
    if named is not None:
        audit.record_despite_refusal("user", named, "login_failed", None, comment)
    else:
        audit.record_despite_refusal("login", 0, "login_failed", None, comment)
    log.warning("failed login: %r from %s", username.strip()[:64], address)


def record_logout(user: User, address: str) -> None:
    audit.record("user", user.id, "logged_out", user, comment=address)
    log.info("logout: %s from %s", user.username, address)


def end_sessions(user: User) -> None:
    """Stop every session and remember cookie of ``user`` from working, copies saved elsewhere included."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


class WrongPassword(DomainError):
    """The current password given to change it was wrong; the view counts it as a failed login."""


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own change. Asking for the current password keeps someone at an unlocked screen, or holding a
    stolen session, from taking the account over."""
    if not password_matches(user.password_hash, current_password):
        raise WrongPassword(N_("The current password is wrong."))
    if password_matches(user.password_hash, new_password):
        raise DomainError(N_("The new password must differ from the current one."))
    _replace_password(user, new_password, actor=user, must_change=False)
    audit.record("user", user.id, "password_changed", user)


def reset_password(user: User, password: str, actor) -> None:
    """An administrator sets a user's password without knowing the old one; the user changes it at first use."""
    _require_account_manager(actor, user)
    _replace_password(user, password, actor, must_change=True)
    audit.record("user", user.id, "password_reset", actor)


def _recent_hashes(user: User, count: int) -> list[str]:
    """The current password's hash and the ones before it, ``count`` in all."""
    if count <= 0:
        return []
    earlier = db.session.scalars(
        select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc())
        .limit(count - 1)
    )
    return [user.password_hash, *earlier]


def _replace_password(user: User, password: str, actor, must_change: bool) -> None:
    _check_strength(password, user.username)
    policy = password_policy()
    if any(password_matches(earlier, password) for earlier in _recent_hashes(user, policy.history)):
        raise DomainError(N_("The new password must differ from the last %(count)s passwords."), count=policy.history)
    now = datetime.now(UTC)
    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, changed_at=now))
    user.password_hash = hash_password(password)
    user.password_changed_at, user.must_change_password = now, must_change
    # A new password is usually meant to lock somebody out: whoever holds a session or a token made with the old
    # one loses it.
    end_sessions(user)
    revoke_tokens(user, actor)
    db.session.flush()


#: Longest lifetime of an API token, in days.
MAX_TOKEN_DAYS = 366


def issue_token(user: User, actor, days: int | None = None) -> str:
    """Make a new API token valid for ``days`` (the configured default when None) and return it; only its hash
    is stored, so this is the one time it is seen."""
    if actor is not None and actor.id != user.id:
        _require_admin(actor)
    if not user.active:
        raise DomainError(N_("User %(name)s is deactivated."), name=user.username)
    days = current_app.config["CASETRACK_API_TOKEN_DAYS"] if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise DomainError(N_("A token lasts from 1 to %(max)s days."), max=MAX_TOKEN_DAYS)
    token = "ct_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=datetime.now(UTC) + timedelta(days=days),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "user", user.id, "token_issued", actor, [("token", None, row.id), ("expires_at", None, row.expires_at)]
    )
    return token


def revoke_token(token: ApiToken, actor) -> None:
    if actor is not None and actor.id != token.user_id:
        _require_admin(actor)
    if token.revoked_at is not None:
        raise DomainError(N_("API token %(id)s is already revoked."), id=token.id)
    _revoke(token, actor)


def revoke_tokens(user: User, actor) -> int:
    """Revoke every token of ``user`` not yet revoked; returns how many."""
    tokens = list(
        db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    )
    for token in tokens:
        _revoke(token, actor)
    return len(tokens)


def _revoke(token: ApiToken, actor) -> None:
    token.revoked_at = datetime.now(UTC)
    db.session.flush()
    audit.record("user", token.user_id, "token_revoked", actor, [("token", None, token.id)])


def user_for_token(token: str) -> User | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None), ApiToken.expires_at > datetime.now(UTC)
        )
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = datetime.now(UTC)
    return row.user


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(N_("No such API token."))
    return token


def all_tokens(user: User | None = None) -> list[ApiToken]:
    """Tokens newest first, revoked and expired ones included: the list is also their history."""
    stmt = select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    if user is not None:
        stmt = stmt.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(stmt))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    return user


def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(N_("No such unit."))
    return unit


def save_unit(unit: Unit | None, actor, *, name: str, kind: str, head_name: str | None, active: bool = True) -> Unit:
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise DomainError(N_("The unit name is required."))
    if kind not in rules.UNIT_KINDS:
        raise DomainError(N_("Unknown unit kind."))
    clash = find_unit(name)
    if clash is not None and clash is not unit:
        raise DomainError(N_("A unit named %(name)s already exists."), name=name)
    before = (
        {}
        if unit is None
        else {"name": unit.name, "kind": unit.kind, "head_name": unit.head_name, "active": unit.active}
    )
    if unit is None:
        unit = Unit()
        db.session.add(unit)
    unit.name, unit.kind, unit.head_name, unit.active = name, kind, (head_name or "").strip() or None, active
    db.session.flush()
    after = {"name": unit.name, "kind": unit.kind, "head_name": unit.head_name, "active": unit.active}
    audit.record("unit", unit.id, "updated" if before else "created", actor, audit.diff(before, after))
    return unit


def all_units(active_only: bool = False) -> list[Unit]:
    stmt = select(Unit).order_by(Unit.kind, Unit.name)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(db.session.scalars(stmt))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))
