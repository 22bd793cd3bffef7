from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casetrack.forms import Form
from casetrack.i18n import lazy_text_of
from casetrack.summaries import rules

SUMMARY_NAMES = {"monthly": _l("Monthly summary"), "risk_digest": _l("Risk digest")}


class TargetForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=rules.MAX_TARGET_NAME)])
    kind = SelectField(_l("Kind"), choices=[(code, lazy_text_of(name)) for code, name in rules.TARGET_KINDS.items()])
    # Password fields: the token and the secret are not shown back, and browsers do not keep them in form history.
    webhook = PasswordField(
        _l("Webhook"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Copied whole from the group robot's settings; the host may be a private deployment's."),
    )
    secret = PasswordField(
        _l("Signing secret (加签)"),
        validators=[Optional(), Length(max=200)],
        description=_l("DingTalk only: the secret starting SEC."),
    )
    summaries = SelectMultipleField(
        _l("Sends"),
        choices=list(SUMMARY_NAMES.items()),
        default=list(SUMMARY_NAMES),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )


class PreviewForm(Form):
    """What to preview: which summary and, for an administrator, whose copy."""

    kind = SelectField(_l("Which summary"), choices=list(SUMMARY_NAMES.items()))
    leader_id = SelectField(_l("Leader"), coerce=int, choices=[])
