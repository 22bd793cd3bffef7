from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casetrack.forms import VersionField
from casetrack.params import parse_id
from casetrack.risk.rules import FLAGS, RESOLUTIONS, SIDES


class FlagForm(FlaskForm):
    # The case page draws the options itself; the choices only say which flags exist.
    flag = SelectField(_l("Flag"), choices=[(flag, flag) for flag in FLAGS])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ConfirmRiskForm(FlaskForm):
    #: Ids are read by params.parse_id: one that is no id (past a database integer, "²", "abc") is None, no user,
    #: which the service refuses with its message.
    legal_lead_id = SelectField(_l("Legal-bureau lead"), coerce=parse_id, choices=[], validate_choice=False)
    legal_member_ids = SelectMultipleField(
        _l("Legal-bureau members"), coerce=parse_id, choices=[], validate_choice=False
    )
    unit_lead_id = SelectField(_l("Unit lead"), coerce=parse_id, choices=[], validate_choice=False)
    unit_member_ids = SelectMultipleField(_l("Unit members"), coerce=parse_id, choices=[], validate_choice=False)
    version = VersionField()


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    resolution = SelectField(
        _l("Resolution"), choices=[("", "—")] + [(k, _l(v)) for k, v in RESOLUTIONS.items()], validate_choice=False
    )
    version = VersionField()


class ItemForm(FlaskForm):
    text = TextAreaField(_l("Measure"), validators=[DataRequired(), Length(max=2000)])
    side = SelectField(_l("Side"), choices=[(k, _l(v)) for k, v in SIDES.items()])
    owner_id = SelectField(_l("Owner"), coerce=parse_id, choices=[], validate_choice=False)
    due_on = DateField(_l("Due on"), validators=[DataRequired()])


class CompleteItemForm(FlaskForm):
    done_on = DateField(_l("Done on"), validators=[DataRequired()])
    evidence = StringField(_l("Evidence"), validators=[DataRequired(), Length(max=2000)])


class SettingsForm(FlaskForm):
    threshold = IntegerField(_l("Threshold"), validators=[DataRequired(), NumberRange(min=1, max=500)])
