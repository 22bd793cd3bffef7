from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casetrack.forms import Form, VersionField
from casetrack.params import parse_id
from casetrack.risk.rules import FLAGS, RESOLUTIONS, SIDES


class FlagForm(Form):
    # The case page draws the options itself; the choices only say which flags exist.
    flag = SelectField(_l("Flag"), choices=[(flag, flag) for flag in FLAGS])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ConfirmRiskForm(Form):
    #: Ids are read by params.parse_id: one that is no id (past a database integer, "²", "abc") is None, no user,
    #: which the service refuses with its message.
    legal_lead_id = SelectField(_l("Legal-bureau lead"), coerce=parse_id, choices=[], validate_choice=False)
    legal_member_ids = SelectMultipleField(
        _l("Legal-bureau members"), coerce=parse_id, choices=[], validate_choice=False
    )
    unit_lead_id = SelectField(_l("Unit lead"), coerce=parse_id, choices=[], validate_choice=False)
    unit_member_ids = SelectMultipleField(_l("Unit members"), coerce=parse_id, choices=[], validate_choice=False)
    version = VersionField()


class CommentForm(Form):
    comment = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    resolution = SelectField(
        _l("Resolution"), choices=[("", "—")] + [(k, _l(v)) for k, v in RESOLUTIONS.items()], validate_choice=False
    )
    version = VersionField()


class ItemForm(Form):
    text = TextAreaField(_l("Measure"), validators=[DataRequired(), Length(max=2000)])
    side = SelectField(_l("Side"), choices=[(k, _l(v)) for k, v in SIDES.items()])
    owner_id = SelectField(_l("Owner"), coerce=parse_id, choices=[], validate_choice=False)
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    #: A measure recorded after the fact: the day it was done and its evidence (then its due day may be past).
    done_on = DateField(_l("Already done on"), validators=[Optional()])
    done_evidence = StringField(_l("Evidence that it was done"), validators=[Optional(), Length(max=2000)])


class CompleteItemForm(Form):
    done_on = DateField(_l("Done on"), validators=[DataRequired()])
    evidence = StringField(_l("Evidence"), validators=[DataRequired(), Length(max=2000)])


class SettingsForm(Form):
    threshold = IntegerField(_l("Threshold"), validators=[DataRequired(), NumberRange(min=1, max=500)])
