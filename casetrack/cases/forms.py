from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casetrack.cases import kinds, rules
from casetrack.forms import Form, VersionField
from casetrack.i18n import lazy_text_of


def _choices(mapping, blank=False):
    options = [(code, lazy_text_of(name)) for code, name in mapping.items()]
    return [("", "—")] + options if blank else options


class CoRespondentEntry(Form):
    """One co-defendant row of the case form: a unit ("—" for none, which removes it) and its role."""

    class Meta(Form.Meta):
        csrf = False  # a part of CaseForm, whose token covers it

    unit_id = SelectField(_l("Co-defendant"), coerce=int, choices=[], validate_choice=False)
    role = SelectField(
        _l("Role"), choices=_choices(kinds.RESPONDENT_ROLES), default=kinds.REVIEW_BODY, validate_choice=False
    )


class CaseForm(Form):
    kind = SelectField(_l("Type"), choices=_choices(rules.KINDS))
    number = StringField(_l("Case number (案号)"), validators=[DataRequired(), Length(max=rules.MAX_NUMBER)])
    instance = SelectField(_l("Instance"), choices=_choices(rules.INSTANCES), default="first")
    procedure = SelectField(_l("Procedure"), choices=_choices(rules.PROCEDURES), default="normal")
    respondent_unit_id = SelectField(_l("Respondent unit"), coerce=int, choices=[])
    handler_id = SelectField(_l("Handler"), coerce=int, choices=[], validate_choice=False)
    applicants = TextAreaField(
        _l("Applicants / plaintiffs"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("One a line: name, then optionally the ID number."),
    )
    applicant_count = IntegerField(
        _l("Number of applicants"), default=1, validators=[Optional(), NumberRange(min=1, max=rules.MAX_APPLICANTS)]
    )
    matter = SelectField(_l("Matter"), choices=_choices(rules.MATTERS), default="other")
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=10000)])
    received_on = DateField(_l("Received on"), validators=[DataRequired()])
    accepted_on = DateField(_l("Accepted / filed on"), validators=[Optional()])
    copy_sent_on = DateField(_l("Copy sent to respondent on"), validators=[Optional()])
    answer_received_on = DateField(_l("Answer received on"), validators=[Optional()])
    served_on = DateField(_l("Complaint served on"), validators=[Optional()])
    defence_filed_on = DateField(_l("Defence filed on"), validators=[Optional()])
    concluded_on = DateField(_l("Concluded on"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), choices=[], validators=[Optional()], validate_choice=False)
    judgment_served_on = DateField(_l("Judgment or ruling served on"), validators=[Optional()])
    ruling_kind = SelectField(
        _l("Judgment or ruling"), choices=_choices(kinds.RULING_KINDS, blank=True), validators=[Optional()]
    )
    related_relation = SelectField(
        _l("Link"), choices=_choices(kinds.RELATIONS, blank=True), validators=[Optional()], validate_choice=False
    )
    related_number = StringField(
        _l("Linked case number"),
        validators=[Optional(), Length(max=rules.MAX_NUMBER)],
        description=_l("The first instance of a second instance, or the review a lawsuit follows."),
    )
    extension_days = IntegerField(_l("Extension (days)"), validators=[Optional(), NumberRange(min=1, max=30)])
    extension_approved_by = StringField(_l("Extension approved by"), validators=[Optional(), Length(max=64)])
    extension_approved_on = DateField(_l("Extension approved on"), validators=[Optional()])
    extension_reason = TextAreaField(
        _l("Reason for the extension"), validators=[Optional(), Length(max=rules.MAX_REASON_TEXT)]
    )
    amount_claimed = DecimalField(
        _l("Amount claimed (yuan)"), places=2, validators=[Optional(), NumberRange(min=0, max=kinds.AMOUNT_MAX_YUAN)]
    )
    amount_granted = DecimalField(
        _l("Amount granted (yuan)"), places=2, validators=[Optional(), NumberRange(min=0, max=kinds.AMOUNT_MAX_YUAN)]
    )
    #: 共同被告 (行政诉讼法 Art 26): further respondent units, each with its role; staff only (cases.views).
    co_respondents = FieldList(FormField(CoRespondentEntry), min_entries=0, max_entries=rules.MAX_CO_RESPONDENTS)
    version = VersionField()


class CoRespondentForm(Form):
    """The case page's "add a co-defendant" form (and its remove buttons, which send the version only)."""

    unit_id = SelectField(_l("Co-defendant"), coerce=int, choices=[], validate_choice=False)
    # The roles a kind allows are the rules' to check, with a message saying which (cases.rules).
    role = SelectField(
        _l("Role"), choices=_choices(kinds.RESPONDENT_ROLES), default=kinds.REVIEW_BODY, validate_choice=False
    )
    version = VersionField()


class TransitionForm(Form):
    on = DateField(_l("Date"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), choices=[], validators=[Optional()], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=rules.MAX_REASON_TEXT)])
    #: Suspending: the statutory ground (the case kind's list; set per case).
    reason_code = SelectField(_l("Ground"), choices=[], validators=[Optional()], validate_choice=False)
    #: Requesting a correction: every item at once, and the day the applicant received the notice if known.
    items = TextAreaField(_l("Items to correct"), validators=[Optional(), Length(max=rules.MAX_REASON_TEXT)])
    notice_received_on = DateField(_l("Notice received on"), validators=[Optional()])
    #: Concluding (or reporting the outcome of) a compensation claim.
    amount_granted = DecimalField(
        _l("Amount granted (yuan)"), places=2, validators=[Optional(), NumberRange(min=0, max=kinds.AMOUNT_MAX_YUAN)]
    )
    version = VersionField()


class CorrectionExtensionForm(Form):
    extended_to = DateField(_l("New deadline"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=rules.MAX_REASON_TEXT)])
    version = VersionField()


class CourtDateForm(Form):
    kind = SelectField(_l("Set by the court"), choices=_choices(kinds.COURT_DATE_KINDS), default="evidence_deadline")
    due_on = DateField(_l("Date"), validators=[Optional()])
    owner_id = SelectField(_l("Owner"), coerce=int, choices=[], validate_choice=False)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=rules.MAX_COURT_DATE_NOTE)])


class CourtDateDoneForm(Form):
    done_on = DateField(_l("Done on"), validators=[DataRequired()])


class AppealDecisionForm(Form):
    # No choice made for the unit: it decides, so the form starts blank.
    decision = SelectField(
        _l("Appeal decision"), choices=_choices(kinds.APPEAL_DECISIONS, blank=True), validate_choice=False
    )
    decided_on = DateField(_l("Appeal decided on"), validators=[Optional()])
    approved_by = StringField(_l("Approved by"), validators=[Optional(), Length(max=64)])
    version = VersionField()
