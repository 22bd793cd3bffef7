from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from casetrack.forms import Form, VersionField
from casetrack.hearings.rules import PRINCIPAL_TITLES
from casetrack.i18n import lazy_text_of


def _titles():
    return [("", "—")] + [(code, lazy_text_of(name)) for code, name in PRINCIPAL_TITLES.items()]


class ScheduleReviewHearingForm(Form):
    held_on = DateField(_l("Hearing date"), validators=[DataRequired()])
    starts_at = TimeField(_l("Time"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=100)])
    matters = TextAreaField(_l("Matters to be heard"), validators=[DataRequired(), Length(max=2000)])
    notice_sent_on = DateField(_l("Notice sent on"), validators=[Optional()])


class NoticeForm(Form):
    notice_sent_on = DateField(_l("Notice sent on"), validators=[DataRequired()])
    version = VersionField()


class AttendanceForm(Form):
    attended = RadioField(
        _l("Did the respondent's head attend?"), choices=[("yes", _l("Yes")), ("no", _l("No"))], validate_choice=False
    )
    head_name = StringField(_l("Head who attended"), validators=[Optional(), Length(max=50)])
    head_title = SelectField(_l("Title"), choices=_titles(), validate_choice=False)
    absence_reason = TextAreaField(_l("Reason the head did not attend"), validators=[Optional(), Length(max=2000)])
    delegate_name = StringField(_l("Staff member sent"), validators=[Optional(), Length(max=50)])
    version = VersionField()
