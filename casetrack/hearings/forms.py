from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from casetrack.forms import Form, VersionField
from casetrack.hearings.rules import PRINCIPAL_TITLES
from casetrack.i18n import lazy_text_of


def _titles():
    return [("", "—")] + [(code, lazy_text_of(name)) for code, name in PRINCIPAL_TITLES.items()]


class ScheduleForm(Form):
    held_on = DateField(_l("Hearing date"), validators=[DataRequired()])
    starts_at = TimeField(_l("Time"), validators=[Optional()])
    court = StringField(_l("Court"), validators=[DataRequired(), Length(max=100)])
    courtroom = StringField(_l("Courtroom"), validators=[Optional(), Length(max=50)])


class PrincipalForm(Form):
    principal_name = StringField(_l("Head who will appear"), validators=[DataRequired(), Length(max=50)])
    principal_title = SelectField(_l("Title"), choices=_titles(), validate_choice=False)
    version = VersionField()


class AppearanceForm(Form):
    appeared = RadioField(
        _l("Did a head appear?"), choices=[("yes", _l("Yes")), ("no", _l("No"))], validate_choice=False
    )
    principal_name = StringField(_l("Head who appeared"), validators=[Optional(), Length(max=50)])
    principal_title = SelectField(_l("Title"), choices=_titles(), validate_choice=False)
    spoke = BooleanField(_l("The head spoke in court (出声)"))
    absence_reason = TextAreaField(_l("Reason no head appeared"), validators=[Optional(), Length(max=2000)])
    version = VersionField()
