from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class OverrideForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    is_workday = SelectField(
        _l("This day is"), choices=[("0", _l("a day off (holiday)")), ("1", _l("a working day (调休)"))]
    )
    note = StringField(_l("Note"), validators=[DataRequired(), Length(max=100)])


class DeleteOverrideForm(FlaskForm):
    day = DateField(validators=[DataRequired()])
