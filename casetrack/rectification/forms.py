from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casetrack.forms import Form, VersionField
from casetrack.params import parse_id


class PlanForm(Form):
    description = TextAreaField(_l("What must be done"), validators=[Optional(), Length(max=5000)])
    owner_id = SelectField(_l("Owner"), coerce=parse_id, choices=[], validate_choice=False)
    due_on = DateField(_l("Due date"), validators=[Optional()])
    version = VersionField()


class DoneForm(Form):
    done_on = DateField(_l("Done on"), validators=[DataRequired()])
    evidence = TextAreaField(_l("Evidence that it was done"), validators=[DataRequired(), Length(max=5000)])
    version = VersionField()


class ReasonsForm(Form):
    reason_ids = SelectMultipleField(_l("Reasons"), coerce=parse_id, choices=[], validate_choice=False)
    other_words = StringField(_l("The other reason, in words"), validators=[Optional(), Length(max=500)])


class AddReasonForm(Form):
    label = StringField(_l("Name of the reason"), validators=[DataRequired(), Length(max=60)])


class ReasonActiveForm(Form):
    active = BooleanField(_l("In use"))
