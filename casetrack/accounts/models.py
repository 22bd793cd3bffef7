from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.accounts import rules
from casetrack.clock import as_utc
from casetrack.extensions import db
from casetrack.i18n import N_


class Unit(db.Model):
    """A respondent unit (被申请人/被告): a department, a town/street, or the district government itself."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Official name, unique: the ledger matches units by it.
    name: Mapped[str] = mapped_column(String(rules.MAX_UNIT_NAME), unique=True)
    #: department | town | district
    kind: Mapped[str] = mapped_column(String(16), default="department")
    #: 主要负责人: the head who should appear in court and who is interviewed.
    head_name: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


#: 分管: the units a district leader oversees. Their landing page and summaries put these units first.
overseen_units = Table(
    "overseen_units",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, unique.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    #: One of accounts.permissions.ROLES.
    role: Mapped[str] = mapped_column(String(16))
    #: Required for role ``unit``: the only unit whose cases this user sees.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    email: Mapped[str | None] = mapped_column(String(254))
    #: argon2id hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Deactivated users cannot log in or use tokens; they are kept so audit entries still name them.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Preferred UI locale, empty for the site default.
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Part of the id the session and remember cookies carry (``get_id``): raising it ends every session made
    #: before, saved copies of the cookies included. Raised on logout, password change or reset, deactivation.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: When the password was last set: it expires SecurityPolicy.max_age_days later.
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set when an administrator sets or resets the password: its first use is to choose one of the user's own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The TOTP secret (RFC 6238), sealed (casetrack.sealed); empty until the second factor is enrolled.
    totp_secret_sealed: Mapped[str | None] = mapped_column(Text)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The last time step a code was accepted for: the same code is not taken twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    #: 分管单位 (accounts.permissions "oversee_units"); empty: the leader looks at the district as a whole.
    overseen: Mapped[list[Unit]] = relationship(secondary=overseen_units, order_by="Unit.name", lazy="selectin")

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the API. Only its SHA-256 is kept: the token is shown once when made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: hex SHA-256 of the token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: Every token expires: a token copied into a forgotten script stops working on its own.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set by an administrator's revocation, or when the user's password changes or the user is deactivated.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def state(self, now: datetime) -> str:
        """valid, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if as_utc(self.expires_at) <= now else "valid"


#: How the token list names a state; a revoked token is shown with its date instead.
TOKEN_STATES = {"valid": N_("Valid"), "expired": N_("Expired")}


class PasswordHistory(db.Model):
    """A password a user had (its hash only): a new one may not repeat the last few (SecurityPolicy.history)."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecoveryCode(db.Model):
    """One of the ten one-time codes that stand in for the authenticator app once; only their hashes are kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SecurityPolicy(db.Model):
    """The password and session policy the security administrator sets; one row (id 1), absent until first saved:
    then accounts.rules.DEFAULT_POLICY holds."""

    __tablename__ = "security_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    min_length: Mapped[int] = mapped_column(Integer)
    classes: Mapped[int] = mapped_column(Integer)
    history: Mapped[int] = mapped_column(Integer)
    max_age_days: Mapped[int] = mapped_column(Integer)
    #: Minutes without a request after which a session ends; None: CASETRACK_SESSION_IDLE_MINUTES.
    idle_minutes: Mapped[int | None] = mapped_column(Integer)
    #: One session per account: signing in ends the account's other sessions.
    single_session: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
