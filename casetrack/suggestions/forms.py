from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casetrack.forms import Form, VersionField
from casetrack.params import parse_id
from casetrack.suggestions.rules import TYPES


class SuggestionForm(Form):
    kind = SelectField(_l("Type"), choices=[(code, _l(t.label)) for code, t in TYPES.items()])
    number = StringField(_l("Document number (文号)"), validators=[DataRequired(), Length(max=80)])
    issuer = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=100)])
    received_on = DateField(_l("Date received"), validators=[DataRequired()])
    #: Empty: the type's default period (suggestions.rules), counted from the day received.
    reply_due_on = DateField(_l("Reply due (empty: the type's default)"), validators=[Optional()])
    #: Ids are read by params.parse_id: one that is no id is None, which the service refuses with its message.
    unit_ids = SelectMultipleField(_l("Addressed units"), coerce=parse_id, choices=[], validate_choice=False)
    case_ids = SelectMultipleField(_l("Linked cases"), coerce=parse_id, choices=[], validate_choice=False)
    hearing_id = SelectField(_l("Linked hearing"), coerce=parse_id, choices=[], validate_choice=False)
    content = TextAreaField(_l("Content of the suggestion"), validators=[Optional(), Length(max=10000)])


class ActionForm(Form):
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    on = DateField(_l("Date"), validators=[Optional()])
    text = TextAreaField(_l("Measures or evidence"), validators=[Optional(), Length(max=10000)])
    comment = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    version = VersionField()
