from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField

from casetrack.forms import Form


class UploadForm(Form):
    file = FileField(
        _l("Ledger file"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["xlsx", "csv"], _l("Only .xlsx workbooks and .csv files can be imported.")),
        ],
    )


class ConfirmImportForm(Form):
    upload = HiddenField()
