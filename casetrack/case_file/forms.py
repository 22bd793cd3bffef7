from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from casetrack.case_file.rules import SERVICE_DIRECTIONS, SERVICE_METHODS
from casetrack.forms import Form, VersionField
from casetrack.i18n import lazy_text_of


def _choices(mapping: dict):
    return [(code, lazy_text_of(name)) for code, name in mapping.items()]


class AnswerForm(Form):
    filed_on = DateField(_l("Filed on"), validators=[Optional()])
    answer = FileField(_l("The answer / defence"))
    evidence = MultipleFileField(_l("Evidence files"))
    given_by = StringField(_l("Given by"), validators=[Optional(), Length(max=100)])
    version = VersionField()


class EvidenceItemForm(Form):
    name = StringField(_l("Evidence name"), validators=[Optional(), Length(max=200)])
    source = StringField(_l("Evidence source"), validators=[Optional(), Length(max=200)])
    proves = TextAreaField(_l("What it proves"), validators=[Optional(), Length(max=2000)])
    pages = IntegerField(_l("Page count"), validators=[Optional(), NumberRange(min=1, max=100_000)])
    document_id = SelectField(_l("Document in the file"), choices=[("", "—")], validate_choice=False)


class ServiceForm(Form):
    direction = SelectField(_l("Sent or received"), choices=_choices(SERVICE_DIRECTIONS))
    what = StringField(_l("What was served"), validators=[Optional(), Length(max=200)])
    party = StringField(_l("To / from"), validators=[Optional(), Length(max=200)])
    method = SelectField(_l("Method"), choices=_choices(SERVICE_METHODS))
    served_on = DateField(_l("Served on"), validators=[Optional()])
    document_id = SelectField(_l("Served document"), choices=[("", "—")], validate_choice=False)
    proof_document_id = SelectField(_l("Proof of service"), choices=[("", "—")], validate_choice=False)
    starts = SelectField(_l("Starts"), choices=[("", "—")], validate_choice=False)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    version = VersionField()


class EvidenceChangeForm(Form):
    """Moving or removing an item of the list: from a page older than the case, refused like any stale change."""

    version = VersionField()


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class GenerateForm(Form):
    code = SelectField(_l("Document"), choices=[], validate_choice=False)


class TemplateForm(Form):
    file = FileField(_l("Template (.docx)"))
