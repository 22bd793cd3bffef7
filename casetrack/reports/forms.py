from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from casetrack.forms import Form


class BuildReportForm(Form):
    year = IntegerField(
        _l("Year"),
        invalid_value_message=_l("Enter a year."),
        validators=[
            InputRequired(_l("Enter a year.")),
            NumberRange(2000, 2100, _l("Enter a year between %(min)s and %(max)s.")),
        ],
    )
