from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casetrack.forms import Form
from casetrack.interviews.rules import DECISIONS, MAX_REASON
from casetrack.params import parse_id
from casetrack.risk.rules import INTERVIEW_REASONS


class InterviewForm(Form):
    held_on = DateField(_l("Interview date"), validators=[DataRequired()])
    leader_name = StringField(_l("District leader"), validators=[DataRequired(), Length(max=50)])
    unit_id = SelectField(_l("Unit"), coerce=parse_id, choices=[])
    interviewee = StringField(_l("Person interviewed"), validators=[DataRequired(), Length(max=50)])
    reason = SelectField(_l("Reason"), choices=[(k, _l(v)) for k, v in INTERVIEW_REASONS.items()])
    #: Read by params.parse_id: an id that is none ("²", past a database integer) is None, which the service refuses
    #: like an id of no case.
    case_ids = SelectMultipleField(_l("Linked cases"), coerce=parse_id, choices=[], validate_choice=False)
    rectification_required = TextAreaField(_l("Rectification required"), validators=[Optional(), Length(max=5000)])


class RectifiedForm(Form):
    rectified_on = DateField(_l("Rectified on"), validators=[DataRequired()])


class DecisionForm(Form):
    """A leader's 同意约谈 / 暂不约谈 on one proposal; ``since`` is the proposal as the page showed it."""

    since = DateField(validators=[DataRequired()])
    decision = SelectField(_l("Decision"), choices=[(k, _l(v)) for k, v in DECISIONS.items()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=MAX_REASON)])
