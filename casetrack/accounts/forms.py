from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from casetrack.accounts.permissions import ROLES
from casetrack.accounts.rules import MAX_UNIT_NAME, POLICY_BOUNDS, UNIT_KINDS
from casetrack.forms import Form
from casetrack.i18n import lazy_text_of


class LoginForm(Form):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Stay logged in"))


class UserForm(Form):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Full name"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=[(code, lazy_text_of(name)) for code, name in ROLES.items()])
    unit_id = SelectField(_l("Unit"), coerce=int, choices=[])
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Email(_l("Enter an e-mail address such as name@example.gov.cn.")), Length(max=254)],
    )
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=128)])
    overseen_unit_ids = SelectMultipleField(
        _l("Units overseen (分管)"),
        coerce=int,
        choices=[],
        description=_l("District leaders only: these units come first on their dashboard and in their summaries."),
    )


class CodeForm(Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("The six digits the authenticator app shows, or one of your recovery codes."),
    )


class PasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)])


class UnitForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_UNIT_NAME)])
    kind = SelectField(_l("Kind"), choices=[(code, lazy_text_of(name)) for code, name in UNIT_KINDS.items()])
    head_name = StringField(_l("Head (主要负责人)"), validators=[Optional(), Length(max=50)])
    active = BooleanField(_l("Active"), default=True)


class ConfirmForm(Form):
    """A bare form for POST buttons, so they carry a CSRF token."""


def _bounded(name: str) -> list:
    low, high = POLICY_BOUNDS[name]
    return [InputRequired(), NumberRange(low, high)]


class PolicyForm(Form):
    """The security administrator's password and session policy."""

    min_length = IntegerField(_l("Shortest password (characters)"), validators=_bounded("min_length"))
    classes = IntegerField(
        _l("Kinds of character to mix"),
        validators=_bounded("classes"),
        description=_l("Of capital letters, small letters, digits and symbols."),
    )
    history = IntegerField(_l("Last passwords that may not be used again"), validators=_bounded("history"))
    max_age_days = IntegerField(
        _l("Days a password lasts"), validators=_bounded("max_age_days"), description=_l("0: it never expires.")
    )
    idle_minutes = IntegerField(
        _l("Minutes without activity after which a session ends"),
        validators=[InputRequired(), NumberRange(0, 24 * 60)],
        description=_l("0: never. Any session ends 12 hours after its sign-in."),
    )
    single_session = BooleanField(_l("One session per account: signing in ends the account's other sessions"))
