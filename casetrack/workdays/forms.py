from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from casetrack.forms import Form
from casetrack.workdays.rules import FIRST_YEAR, LAST_YEAR, MAX_NOTE

#: Room for a notice's lines with long names; parse_schedule bounds the number of lines.
MAX_SCHEDULE_TEXT = 20_000


class OverrideForm(Form):
    day = DateField(_l("Day"), validators=[DataRequired()])
    is_workday = SelectField(
        _l("This day is"), choices=[("0", _l("a day off (holiday)")), ("1", _l("a working day (调休)"))]
    )
    note = StringField(_l("Note"), validators=[DataRequired(), Length(max=MAX_NOTE)])
    #: "1" once the person has been shown the day's current entry and chose to overwrite it.
    overwrite = HiddenField(default="")


class DeleteOverrideForm(Form):
    day = DateField(validators=[DataRequired()])


class ScheduleForm(Form):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    text = TextAreaField(_l("Schedule"), validators=[Optional(), Length(max=MAX_SCHEDULE_TEXT)])
    file = FileField(
        _l("or a file"),
        validators=[FileAllowed(["xlsx", "csv"], _l("Only .xlsx workbooks and .csv files can be imported."))],
    )
    remove_others = BooleanField(_l("Remove the days entered for this year that the schedule does not list"))
    complete = BooleanField(_l("This is the whole State Council schedule: mark the year complete"))
    source = StringField(_l("Checked against (notice number)"), validators=[Length(max=200)])


class ConfirmScheduleForm(Form):
    """The previewed schedule, carried back to be checked again and entered."""

    year = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    text = HiddenField(validators=[Length(max=MAX_SCHEDULE_TEXT)])
    remove_others = HiddenField()
    complete = HiddenField()
    source = HiddenField(validators=[Length(max=200)])
    digest = HiddenField(validators=[DataRequired()])
    overwrite = BooleanField(_l("Overwrite the days already entered"))


class CompleteYearForm(Form):
    source = StringField(_l("Checked against (notice number)"), validators=[Length(max=200)])
