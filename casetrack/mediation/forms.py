from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casetrack.forms import Form, VersionField
from casetrack.i18n import lazy_text_of
from casetrack.mediation.rules import SOURCES, STATUSES


class MediationForm(Form):
    number = StringField(_l("Mediation number"), validators=[DataRequired(), Length(max=64)])
    case_number = StringField(
        _l("Linked case number (empty for a pre-filing dispute)"), validators=[Optional(), Length(max=64)]
    )
    respondent_unit_id = SelectField(_l("Respondent unit"), coerce=int, choices=[])
    source = SelectField(_l("Source"), choices=[(code, lazy_text_of(name)) for code, name in SOURCES.items()])
    mediator_id = SelectField(_l("Mediator"), coerce=int, choices=[])
    parties = TextAreaField(_l("Parties"), validators=[DataRequired(), Length(max=2000)])
    subject = TextAreaField(_l("What the dispute is about"), validators=[Optional(), Length(max=5000)])
    received_on = DateField(_l("Received on"), validators=[DataRequired()])


class SessionForm(Form):
    held_on = DateField(_l("Session date"), validators=[DataRequired()])
    participants = StringField(_l("Participants"), validators=[Optional(), Length(max=500)])
    notes = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=5000)])


class CloseForm(Form):
    result = SelectField(
        _l("Result"),
        choices=[
            ("succeeded", _l("Succeeded")),
            ("failed", lazy_text_of(STATUSES["failed"])),
            ("withdrawn", _l("Withdrawn from mediation")),
        ],
    )
    concluded_on = DateField(_l("Concluded on"), validators=[DataRequired()])
    agreement = TextAreaField(_l("Agreement reached"), validators=[Optional(), Length(max=5000)])
    version = VersionField()


class ConcludeCaseForm(Form):
    outcome = SelectField(_l("Conclude the case as"), choices=[], validate_choice=False)
