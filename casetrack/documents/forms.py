from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from casetrack.documents.rules import CATEGORIES, TITLE_MAX
from casetrack.forms import Form, VersionField
from casetrack.i18n import lazy_text_of


def _categories():
    return [(code, lazy_text_of(name)) for code, name in CATEGORIES.items()]


class UploadForm(Form):
    category = SelectField(_l("Category"), choices=_categories())
    title = StringField(_l("Document title"), validators=[Optional(), Length(max=TITLE_MAX)])
    dated_on = DateField(_l("Date on the document"), validators=[Optional()])
    given_by = StringField(_l("Given by"), validators=[Optional(), Length(max=100)])
    files = MultipleFileField(_l("Files"))


class ReplaceForm(Form):
    file = FileField(_l("New version"))
    version = VersionField()


class WithdrawForm(Form):
    # Required by the service, after the version check: a stale page hears that first.
    reason = TextAreaField(_l("Reason for withdrawing"), validators=[Optional(), Length(max=1000)])
    version = VersionField()
