"""The case-kind registry: everything that differs between 行政复议, 行政诉讼 and 行政赔偿 is declared here, once.

Forms, validation, the status machine's outcomes, deadlines, the ledger's terms, the API's enums, templates, the
figures and the JS ask this module; nothing else names a kind by its code. Pure: no Flask, no database.
Adding a kind is adding a ``CaseKind`` below (plus its figures in stats.figures, and translations).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from casetrack.i18n import N_

REVIEW = "review"
LITIGATION = "litigation"
COMPENSATION = "compensation"

#: Litigation instances (审级) and their ledger terms.
INSTANCES = {"first": N_("First instance"), "second": N_("Second instance")}
INSTANCE_TERMS = {"一审": "first", "二审": "second"}
FIRST_INSTANCE = "first"
#: Review procedures; the simple one has a 30-day decision period (行政复议法 Art. 62).
PROCEDURES = {"normal": N_("Normal procedure"), "simple": N_("Simple procedure")}
DEFAULT_PROCEDURE = "normal"

#: 判决 or 裁定: what was served decides the appeal period (行政诉讼法 Art. 85: 15 days for a judgment, 10 for a
#: ruling), and the ledger's terms for them.
RULING_KINDS = {"judgment": N_("Judgment"), "ruling": N_("Ruling")}
RULING_KIND_TERMS = {"判决": "judgment", "裁定": "ruling"}
DEFAULT_RULING_KIND = "judgment"
APPEAL_PERIOD_DAYS = {"judgment": 15, "ruling": 10}
#: The respondent unit's decision on appealing a judgment it lost (上诉 / 不上诉).
APPEAL_DECISIONS = {"appeal": N_("Appeal"), "no_appeal": N_("No appeal")}

#: How a litigation case names the case it follows (the link is kept on the later case). Each relation says what
#: the earlier case must be: its kind and instance, and the instance the later one must have (None: any).
RELATIONS = {
    "appeal": N_("Second instance of"),
    "retrial": N_("Retrial of"),
    "after_review": N_("Lawsuit after review"),
}
#: What the earlier case shows for the same link, read from its side, and the API's code for that side.
RELATIONS_REVERSED = {
    "appeal": N_("Appealed as"),
    "retrial": N_("Retried as"),
    "after_review": N_("Followed by the lawsuit"),
}
#: The case page's buttons that register the later case from the earlier one.
FOLLOW_BUTTONS = {"appeal": N_("Register the second instance"), "after_review": N_("Register the lawsuit after review")}
REVERSE_CODES = {"appeal": "appealed_as", "retrial": "retried_as", "after_review": "sued_after"}


@dataclass(frozen=True)
class Relation:
    #: (kind, instance) the earlier case must have; instance None for a review.
    target: tuple[str, str | None]
    #: The instance the later (linking) case must have, or None for any.
    own_instance: str | None


RELATION_RULES = {
    "appeal": Relation(target=(LITIGATION, FIRST_INSTANCE), own_instance="second"),
    # 再审 of a final (second-instance) judgment; the retrial is heard in whichever procedure the court chooses.
    "retrial": Relation(target=(LITIGATION, "second"), own_instance=None),
    # 复议后起诉 (行政诉讼法 Art. 45): the lawsuit is a first instance.
    "after_review": Relation(target=(REVIEW, None), own_instance=FIRST_INSTANCE),
}

#: Ten billion yuan: more than any claim, and safely inside a BIGINT of fen.
AMOUNT_MAX_YUAN = 10_000_000_000

#: The roles a respondent unit plays in a case (行政诉讼法 Art 26, 行政复议法 Art 19). The main respondent
#: (cases.respondent_unit_id) made the act; co-defendants (共同被告) are further units with one of these roles.
ORIGINAL_ACT = "original_act"
REVIEW_BODY = "review_body"
OTHER_RESPONDENT = "other"
RESPONDENT_ROLES = {
    ORIGINAL_ACT: N_("Agency that made the original act"),
    REVIEW_BODY: N_("Review body (co-defendant)"),
    OTHER_RESPONDENT: N_("Other respondent"),
}
#: The words the ledger and the API's documentation use for the roles.
RESPONDENT_ROLE_TERMS = {
    "作出原行政行为的机关": ORIGINAL_ACT,
    "复议机关（共同被告）": REVIEW_BODY,
    "其他": OTHER_RESPONDENT,
}
#: The role of the main respondent, which made the act every case is about.
MAIN_RESPONDENT_ROLE = ORIGINAL_ACT
#: The unit kind (accounts Unit.kind) of the review body: a district deployment's 行政复议机关 is the district
#: government (行政复议法 2023 Art 24).
REVIEW_BODY_UNIT_KIND = "district"

#: add(code, basis, start, due, done, informational=False, pausable=False, working=False): how a kind's deadline
#: rule reports one deadline. A pausable one is extended by the days the case was suspended (中止), counted as its
#: period is counted: working days for 行政复议法 Art. 88's 3/5/7/10-day periods, calendar days otherwise.
AddDeadline = Callable[..., None]

#: 中止 reasons of a review, 行政复议法 (2023) Art. 39(1)–(10); "other" is item (10) and needs words.
OTHER_REASON = "other"
REVIEW_SUSPENSION_REASONS = {
    "applicant_died": N_("The applicant died and the next of kin have not decided whether to join"),
    "applicant_incapacitated": N_("The applicant lost capacity and no legal representative is settled yet"),
    "applicant_missing": N_("The applicant's whereabouts are unknown"),
    "organisation_ended": N_("The applicant organisation ended and its successor is not settled yet"),
    "force_majeure": N_("A party cannot take part because of force majeure or another good reason"),
    "mediation": N_("Mediation or settlement, to which applicant and respondent agree to suspend"),
    "interpretation": N_("A question of law needs interpretation or confirmation by the competent authority"),
    "awaiting_other_case": N_("The review depends on the result of another case not yet concluded"),
    "normative_document": N_("A normative document is under review (Arts 56–57)"),
    OTHER_REASON: N_("Other reason"),
}
#: 中止诉讼, 最高人民法院关于适用《行政诉讼法》的解释 (2018) Art. 87(1)–(7).
LITIGATION_SUSPENSION_REASONS = {
    "applicant_died": N_("The plaintiff died and the next of kin have not said whether they join"),
    "applicant_incapacitated": N_("The plaintiff lost capacity and no legal representative is settled yet"),
    "organisation_ended": N_("A party organisation ended and its successor is not settled yet"),
    "force_majeure": N_("A party cannot take part because of force majeure"),
    "interpretation": N_("A question of law needs interpretation or confirmation by the competent authority"),
    "awaiting_other_case": N_("The judgment depends on the result of another case not yet concluded"),
    OTHER_REASON: N_("Other reason"),
}
#: The ledger's 中止原因 terms (SPEC section 4) → reason code, for both kinds.
SUSPENSION_REASON_TERMS = {
    "申请人死亡": "applicant_died",
    "原告死亡": "applicant_died",
    "丧失行为能力": "applicant_incapacitated",
    "下落不明": "applicant_missing",
    "组织终止": "organisation_ended",
    "不可抗力": "force_majeure",
    "调解和解": "mediation",
    "调解": "mediation",
    "和解": "mediation",
    "法律适用需解释": "interpretation",
    "等待其他案件结果": "awaiting_other_case",
    "规范性文件审查": "normative_document",
    "其他": OTHER_REASON,
}
#: 行政复议法 Art. 31: the applicant corrects within 10 days of receiving the notice (working days, Art. 88).
CORRECTION_WORKING_DAYS = 10
#: 行政复议法 Art. 51: the parties are told the hearing's time, place and matters at least 5 days before it — one of
#: Art. 88's periods, so working days.
REVIEW_HEARING_NOTICE_WORKING_DAYS = 5

#: Dates a court sets in a lawsuit, each tracked with its owner like a statutory deadline. 开庭 is not among them:
#: a hearing is recorded as a hearing (casetrack.hearings), with the head's appearance, and has its own reminders.
COURT_DATE_KINDS = {
    "evidence_deadline": N_("Time limit for evidence (举证期限)"),
    "evidence_exchange": N_("Exchange of evidence (证据交换)"),
    "pretrial_meeting": N_("Pre-trial meeting (庭前会议)"),
    "pronouncement": N_("Pronouncement of the judgment (宣判)"),
    "other": N_("Other court date"),
}
#: 行政诉讼法 Art. 67: the defendant submits its evidence within 15 days of receiving the complaint copy; what a
#: 举证期限 defaults to when the court's notice gives no other date.
EVIDENCE_DAYS = 15


@dataclass(frozen=True)
class CaseKind:
    code: str
    label: str  # msgid
    #: The ledger's Chinese word for the kind (SPEC section 4), fixed by the contract rather than the UI language.
    term: str
    #: outcome code → msgid, in the order forms offer them.
    outcomes: dict[str, str]
    #: the ledger's Chinese term → outcome code.
    outcome_terms: dict[str, str]
    #: Fields only this kind has (beyond those every case has); forms show them, validation refuses them elsewhere.
    own_fields: tuple[str, ...]
    #: code → msgid of the deadlines deadline_rule can produce.
    deadlines: dict[str, str]
    #: deadline_rule(case values, calendar, add): the statutory deadlines of one case.
    deadline_rule: Callable
    #: 纠错 (review), 败诉 (litigation), 予以赔偿 in whole or part (compensation): the outcomes figures count.
    corrected: frozenset[str] = frozenset()
    lost: frozenset[str] = frozenset()
    granted: frozenset[str] = frozenset()
    #: Courts hold hearings, at which the agency head's appearance is recorded.
    has_hearings: bool = False
    #: The respondent unit's liaisons act on the deadlines themselves (a defence to file, a claim to decide), so
    #: the reminders go to them as well as to the handler.
    reminds_unit: bool = False
    #: Where a mediation linked to such a case comes from (mediation.rules.SOURCES).
    mediation_source: str = "pre_filing"
    #: What a succeeded mediation may conclude the linked case as.
    outcomes_after_mediation: tuple[str, ...] = ()
    #: Outcomes after which the parties' appeal period does not run (nothing was adjudged).
    final_outcomes: frozenset[str] = field(default_factory=frozenset)
    #: reason code → msgid of the statute's 中止 reasons; none means the kind cannot be suspended.
    suspension_reasons: dict[str, str] = field(default_factory=dict)
    #: The article that lists them, shown beside a suspension.
    suspension_basis: str = ""
    #: An incomplete application may be sent back for 补正 before admission (行政复议法 Art. 31).
    has_correction: bool = False
    #: Dates the court sets (举证期限, 证据交换, …), tracked as deadlines.
    has_court_dates: bool = False
    #: Deadlines that run after the case is concluded (the appeal period): a conclusion does not close them.
    after_conclusion: frozenset[str] = field(default_factory=frozenset)
    #: The roles a further respondent unit (co-defendant) may have in a case of this kind.
    respondent_roles: tuple[str, ...] = (ORIGINAL_ACT, OTHER_RESPONDENT)
    #: Outcomes of a review after which a lawsuit about the same act names the review body as co-defendant
    #: (行政诉讼法 Art 26(2): 复议机关决定维持原行政行为的，作出原行政行为的行政机关和复议机关是共同被告).
    upholds_act: frozenset[str] = frozenset()
    #: A lawsuit of this kind may follow a review, and then has the review body as co-defendant when it upheld.
    follows_review: bool = False
    #: The review body may hold 听证 on an accepted case (行政复议法 Arts 50–51); the period the notice must precede
    #: it by, in working days, and the article shown beside it.
    review_hearing_notice_days: int | None = None
    review_hearing_basis: str = ""
    #: What the respondent unit is called in this kind's documents: 被申请人, 被告, 赔偿义务机关.
    respondent_term: str = "被申请人"
    #: The case's date that the respondent's answer (答复 / 答辩) sets, its button and the article; None: no answer.
    answer_field: str | None = None
    answer_label: str = ""
    answer_basis: str = ""
    #: Case dates a recorded service (送达) starts, each with what was served and the period it starts.
    service_starts: dict[str, str] = field(default_factory=dict)
    #: Standard documents (casetrack.case_file.rules.STANDARD_DOCUMENTS) a case of this kind is issued.
    standard_documents: tuple[str, ...] = ()

    def uses(self, name: str) -> bool:
        return name not in ALL_OWN_FIELDS or name in self.own_fields


# --- deadline rules ------------------------------------------------------------------------------------------


def _review_deadlines(case: dict, calendar, add: AddDeadline) -> None:
    received, accepted = case["received_on"], case.get("accepted_on")
    correction = case.get("correction")
    admission_from = received
    if correction:
        # Art. 31: the notice goes out within 5 days of receipt, the applicant answers within 10 days of receiving
        # it (or the longer period granted); the material received starts Art. 30's admission examination again.
        add(
            "correction_notice",
            N_("Administrative Review Law Art. 31"),
            received,
            calendar.add_working_days(received, 5),
            correction["notice_on"],
            working=True,
        )
        notified = correction.get("notice_received_on") or correction["notice_on"]
        add(
            "correction_reply",
            N_("Administrative Review Law Art. 31"),
            notified,
            correction.get("extended_to") or calendar.add_working_days(notified, CORRECTION_WORKING_DAYS),
            correction.get("result_on"),
            working=True,
        )
        if correction.get("result") != "received":
            return  # waiting for the material (no admission period runs), or 视为放弃
        admission_from = correction["result_on"]
    add(
        "admission",
        N_("Administrative Review Law Art. 30"),
        admission_from,
        calendar.add_working_days(admission_from, 5),
        accepted or case.get("declined_on"),
        working=True,
    )
    if not accepted:
        return
    add(
        "copy_to_respondent",
        N_("Administrative Review Law Art. 48"),
        accepted,
        calendar.add_working_days(accepted, 7),
        case.get("copy_sent_on"),
        working=True,
    )
    if case.get("copy_sent_on"):
        sent = case["copy_sent_on"]
        add(
            "respondent_answer",
            N_("Administrative Review Law Art. 48"),
            sent,
            calendar.add_working_days(sent, 10),
            case.get("answer_received_on"),
            working=True,
        )
    days = (30 if case.get("procedure") == "simple" else 60) + (case.get("extension_days") or 0)
    # Art. 39: the days a review is suspended do not count towards its decision period.
    add(
        "decision",
        N_("Administrative Review Law Art. 62"),
        accepted,
        calendar.add_calendar_days(accepted, days),
        case.get("concluded_on"),
        pausable=True,
    )


def _court_dates(case: dict, add: AddDeadline) -> None:
    for item in case.get("court_dates") or ():
        basis = (
            N_("Administrative Litigation Law Art. 67")
            if item["kind"] == "evidence_deadline"
            else N_("Set by the court")
        )
        add(
            f"court_{item['kind']}",
            basis,
            item["due_on"],
            item["due_on"],
            item.get("done_on"),
            note=item.get("note") or "",
        )


def _litigation_deadlines(case: dict, calendar, add: AddDeadline) -> None:
    _court_dates(case, add)
    served, concluded = case.get("served_on"), case.get("concluded_on")
    if served:
        add(
            "defence",
            N_("Administrative Litigation Law Art. 67"),
            served,
            calendar.add_calendar_days(served, 15),
            case.get("defence_filed_on"),
        )
    if (case.get("instance") or FIRST_INSTANCE) != FIRST_INSTANCE:
        return
    filed = case.get("accepted_on") or case["received_on"]
    # 行诉解释 Art. 87: the time a lawsuit is suspended is left out of its trial period.
    add(
        "first_instance_judgment",
        N_("Administrative Litigation Law Art. 81"),
        filed,
        calendar.add_months(filed, 6),
        concluded,
        pausable=True,
    )
    served_judgment = case.get("judgment_served_on")
    if concluded and served_judgment and case.get("outcome") not in LITIGATION_KIND.final_outcomes:
        # Art. 85: 15 days from service of a judgment, 10 of a ruling. Art. 101 applies 民事诉讼法 Art. 85 to the
        # count: a period whose last day is a statutory holiday ends on the first day after it, which
        # add_calendar_days does (roll_forward). After a loss it is the unit's to decide (上诉 / 不上诉); after a
        # win it is only the plaintiff's period, shown for information.
        days = APPEAL_PERIOD_DAYS.get(case.get("ruling_kind") or DEFAULT_RULING_KIND, 15)
        lost = case.get("outcome") in LITIGATION_KIND.lost
        add(
            "appeal",
            N_("Administrative Litigation Law Art. 85; Art. 101 with Civil Procedure Law Art. 85 (holiday rolls over)"),
            served_judgment,
            calendar.add_calendar_days(served_judgment, days),
            case.get("appeal_decided_on") if lost else None,
            informational=not lost,
        )


def _compensation_deadlines(case: dict, calendar, add: AddDeadline) -> None:
    received = case["received_on"]
    add(
        "compensation_decision",
        N_("State Compensation Law Art. 13"),
        received,
        calendar.add_months(received, 2),
        case.get("concluded_on") or case.get("declined_on"),
    )


# --- the kinds -----------------------------------------------------------------------------------------------

#: Rulings against the act that a review body and a court both make (行政复议法 Arts 63–67, 行政诉讼法 Arts 70–77):
#: a review's correction (纠错) and, with compensation, a lawsuit's loss (败诉).
_ADVERSE_RULINGS = {
    "revoked": N_("Revoked"),
    "varied": N_("Varied"),
    "confirmed_illegal": N_("Confirmed illegal"),
    "confirmed_invalid": N_("Confirmed invalid"),
    "ordered_to_perform": N_("Ordered to perform"),
}
_ADVERSE_RULING_TERMS = {
    "撤销": "revoked",
    "变更": "varied",
    "确认违法": "confirmed_illegal",
    "确认无效": "confirmed_invalid",
    "责令履行": "ordered_to_perform",
}

REVIEW_KIND = CaseKind(
    code=REVIEW,
    label=N_("Administrative review"),
    term="行政复议",
    outcomes={
        "upheld": N_("Upheld"),
        "rejected": N_("Application rejected"),
        **_ADVERSE_RULINGS,
        "terminated": N_("Terminated"),
        "mediated": N_("Mediated"),
    },
    outcome_terms={
        "维持": "upheld",
        "驳回": "rejected",
        **_ADVERSE_RULING_TERMS,
        "终止": "terminated",
        "调解": "mediated",
    },
    own_fields=(
        "procedure",
        "copy_sent_on",
        "answer_received_on",
        "extension_days",
        "extension_approved_by",
        "extension_approved_on",
        "extension_reason",
    ),
    deadlines={
        "correction_notice": N_("Send the correction notice (5 working days)"),
        "correction_reply": N_("Applicant's corrected material (10 working days from the notice)"),
        "admission": N_("Decide on admission (5 working days)"),
        "copy_to_respondent": N_("Send the application to the respondent (7 working days)"),
        "respondent_answer": N_("Respondent's answer and evidence (10 working days)"),
        "decision": N_("Review decision"),
    },
    deadline_rule=_review_deadlines,
    # SPEC section 2: the outcomes that correct the respondent's act.
    corrected=frozenset(_ADVERSE_RULINGS),
    upholds_act=frozenset({"upheld"}),
    mediation_source="during_review",
    outcomes_after_mediation=("terminated", "mediated"),
    suspension_reasons=REVIEW_SUSPENSION_REASONS,
    suspension_basis=N_("Administrative Review Law Art. 39"),
    has_correction=True,
    review_hearing_notice_days=REVIEW_HEARING_NOTICE_WORKING_DAYS,
    review_hearing_basis=N_("Administrative Review Law Arts 50–51"),
    respondent_term="被申请人",
    answer_field="answer_received_on",
    answer_label=N_("File the answer (提交答复)"),
    answer_basis=N_(
        "Administrative Review Law Art. 48: the answer, with the evidence and legal basis, within 10 days of "
        "receiving the application copy."
    ),
    service_starts={
        "copy_sent_on": N_("Application copy served on the respondent: its 10-day answer period starts (Art. 48)"),
    },
    standard_documents=(
        "acceptance_notice",
        "correction_notice",
        "answer_notice",
        "suspension_notice",
        "resumption_notice",
        "review_decision",
    ),
)

LITIGATION_KIND = CaseKind(
    code=LITIGATION,
    label=N_("Administrative litigation"),
    term="行政诉讼",
    outcomes={
        "claim_rejected": N_("Claim rejected"),
        **_ADVERSE_RULINGS,
        "compensation": N_("Compensation"),
        "withdrawn": N_("Withdrawn"),
        "mediated": N_("Mediated"),
        "suit_dismissed": N_("Suit dismissed"),
    },
    outcome_terms={
        "驳回诉讼请求": "claim_rejected",
        **_ADVERSE_RULING_TERMS,
        "赔偿": "compensation",
        "撤诉": "withdrawn",
        "调解": "mediated",
        "驳回起诉": "suit_dismissed",
    },
    own_fields=(
        "instance",
        "served_on",
        "defence_filed_on",
        "judgment_served_on",
        "ruling_kind",
        "appeal_decision",
        "appeal_decided_on",
        "appeal_approved_by",
        "related_case_id",
        "related_relation",
    ),
    deadlines={
        "defence": N_("Defence and evidence (15 days from service)"),
        "first_instance_judgment": N_("First-instance judgment (6 months from filing)"),
        "appeal": N_("Appeal period (15 days from service of a judgment, 10 of a ruling)"),
        **{f"court_{code}": name for code, name in COURT_DATE_KINDS.items()},
    },
    deadline_rule=_litigation_deadlines,
    # SPEC section 2: the outcomes the respondent loses.
    lost=frozenset({*_ADVERSE_RULINGS, "compensation"}),
    has_hearings=True,
    reminds_unit=True,
    mediation_source="during_litigation",
    outcomes_after_mediation=("withdrawn", "mediated"),
    final_outcomes=frozenset({"withdrawn", "mediated"}),
    suspension_reasons=LITIGATION_SUSPENSION_REASONS,
    suspension_basis=N_("Interpretation of the Administrative Litigation Law Art. 87"),
    has_court_dates=True,
    after_conclusion=frozenset({"appeal"}),
    respondent_roles=(ORIGINAL_ACT, REVIEW_BODY, OTHER_RESPONDENT),
    follows_review=True,
    respondent_term="被告",
    answer_field="defence_filed_on",
    answer_label=N_("File the defence (提交答辩状)"),
    answer_basis=N_(
        "Administrative Litigation Law Art. 67: the defence and the evidence within 15 days of receiving the "
        "complaint copy."
    ),
    service_starts={
        "served_on": N_("Complaint copy served on the defendant: its 15-day defence period starts (Art. 67)"),
        "judgment_served_on": N_("Judgment or ruling served: the appeal period starts (Art. 85)"),
    },
    standard_documents=("defence", "appearance_report", "suspension_notice", "resumption_notice"),
)

#: 行政赔偿: a claim made to the agency itself (国家赔偿法 Arts 9 and 13), which decides within two months.
COMPENSATION_KIND = CaseKind(
    code=COMPENSATION,
    label=N_("Administrative compensation"),
    term="行政赔偿",
    outcomes={
        "granted": N_("Compensation granted"),
        "partly_granted": N_("Compensation partly granted"),
        "refused": N_("Compensation refused"),
    },
    outcome_terms={"予以赔偿": "granted", "部分赔偿": "partly_granted", "不予赔偿": "refused"},
    own_fields=("amount_claimed_fen", "amount_granted_fen"),
    deadlines={"compensation_decision": N_("Compensation decision (2 months from receipt)")},
    deadline_rule=_compensation_deadlines,
    granted=frozenset({"granted", "partly_granted"}),
    reminds_unit=True,
    respondent_term="赔偿义务机关",
    # Art. 13 lets the agency negotiate (协商) the manner and amount with the claimant.
    outcomes_after_mediation=("granted", "partly_granted"),
)

#: Every kind by code, in the order forms and lists offer them.
KINDS: dict[str, CaseKind] = {kind.code: kind for kind in (REVIEW_KIND, LITIGATION_KIND, COMPENSATION_KIND)}
ALL_OWN_FIELDS = frozenset(name for kind in KINDS.values() for name in kind.own_fields)
#: code → msgid, for select boxes and the labels of stored values.
KIND_LABELS = {code: kind.label for code, kind in KINDS.items()}
#: The ledger's terms: 行政复议 → review, …
KIND_TERMS = {kind.term: code for code, kind in KINDS.items()}
#: Every outcome code of every kind → msgid (a code shared by two kinds means the same thing in both).
ALL_OUTCOMES = {code: name for kind in KINDS.values() for code, name in kind.outcomes.items()}
#: Every deadline code → msgid.
DEADLINE_LABELS = {code: name for kind in KINDS.values() for code, name in kind.deadlines.items()}
#: Deadline codes that run after a conclusion, of every kind.
AFTER_CONCLUSION = frozenset(code for kind in KINDS.values() for code in kind.after_conclusion)
#: Kinds with court hearings.
HEARING_KINDS = tuple(code for code, kind in KINDS.items() if kind.has_hearings)
#: Kinds whose review body holds 听证 (the 听证负责人参加率 counts these only).
REVIEW_HEARING_KINDS = tuple(code for code, kind in KINDS.items() if kind.review_hearing_notice_days is not None)


#: Every 中止 reason of every kind → msgid, for the case history: a code shared by two kinds names the same ground
#: in both, and is worded as the first kind (review) words it; CaseSuspension.reason_label words it per kind.
ALL_SUSPENSION_REASONS: dict[str, str] = {}
for _kind in KINDS.values():
    for _code, _name in _kind.suspension_reasons.items():
        ALL_SUSPENSION_REASONS.setdefault(_code, _name)
#: Kinds whose upheld cases make the review body a co-defendant of the lawsuit that follows.
UPHOLDING_KINDS = tuple(code for code, kind in KINDS.items() if kind.upholds_act)


def kind_of(code: str | None) -> CaseKind | None:
    return KINDS.get(code or "")


def kinds_using(name: str) -> list[str]:
    """The kinds a form field belongs to: what the form's JS shows it for."""
    return [code for code, kind in KINDS.items() if kind.uses(name)]


def can_be_suspended(code: str | None) -> bool:
    kind = kind_of(code)
    return kind is not None and bool(kind.suspension_reasons)


def has_court_dates(code: str | None) -> bool:
    kind = kind_of(code)
    return kind is not None and kind.has_court_dates


def has_correction(code: str | None) -> bool:
    kind = kind_of(code)
    return kind is not None and kind.has_correction


def has_hearings(code: str | None) -> bool:
    return code in HEARING_KINDS


def has_review_hearings(code: str | None) -> bool:
    kind = kind_of(code)
    return kind is not None and kind.review_hearing_notice_days is not None


def deadlines_of(case: dict, calendar, add: AddDeadline) -> None:
    kind = kind_of(case.get("kind"))
    if kind is not None and case.get("received_on") is not None:
        kind.deadline_rule(case, calendar, add)


def counts_as(attribute: str, code: str | None, outcome: str | None) -> bool:
    """Whether an outcome of a kind is one its ``attribute`` (corrected, lost, granted) names."""
    kind = kind_of(code)
    return kind is not None and outcome in getattr(kind, attribute)


def counted_kinds(attribute: str) -> list[tuple[str, frozenset[str]]]:
    """(kind, outcomes) pairs whose outcomes count as ``attribute`` (corrected, lost, granted): what SQL asks."""
    return [(code, getattr(kind, attribute)) for code, kind in KINDS.items() if getattr(kind, attribute)]


def yuan(amount_fen: int | None) -> float | None:
    """Amounts are kept in fen (integers, exact in every database) and shown and exchanged in yuan."""
    return None if amount_fen is None else amount_fen / 100


def format_yuan(amount_fen: int | None) -> str:
    """12345678 fen → "123,456.78", as pages and the case history show an amount; "" for none. Whole numbers only,
    so no amount is ever rounded through a float."""
    if amount_fen is None:
        return ""
    whole, cents = divmod(abs(amount_fen), 100)
    return f"{'-' if amount_fen < 0 else ''}{whole:,}.{cents:02d}"


def fen(amount_yuan: Decimal | float | str | None) -> int | None:
    """Yuan as entered (a form, a ledger cell) → fen, half-up to the fen."""
    if amount_yuan in (None, ""):
        return None
    return int((Decimal(str(amount_yuan)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
