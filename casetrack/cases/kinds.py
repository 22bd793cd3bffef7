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

#: add(code, basis, start, due, done, informational=False): how a kind's deadline rule reports one deadline.
AddDeadline = Callable[..., None]


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
    #: The roles a further respondent unit (co-defendant) may have in a case of this kind.
    respondent_roles: tuple[str, ...] = (ORIGINAL_ACT, OTHER_RESPONDENT)
    #: Outcomes of a review after which a lawsuit about the same act names the review body as co-defendant
    #: (行政诉讼法 Art 26(2): 复议机关决定维持原行政行为的，作出原行政行为的行政机关和复议机关是共同被告).
    upholds_act: frozenset[str] = frozenset()
    #: A lawsuit of this kind may follow a review, and then has the review body as co-defendant when it upheld.
    follows_review: bool = False

    def uses(self, name: str) -> bool:
        return name not in ALL_OWN_FIELDS or name in self.own_fields


# --- deadline rules ------------------------------------------------------------------------------------------


def _review_deadlines(case: dict, calendar, add: AddDeadline) -> None:
    received, accepted = case["received_on"], case.get("accepted_on")
    add(
        "admission",
        N_("Administrative Review Law Art. 30"),
        received,
        calendar.add_working_days(received, 5),
        accepted or case.get("declined_on"),
    )
    if not accepted:
        return
    add(
        "copy_to_respondent",
        N_("Administrative Review Law Art. 48"),
        accepted,
        calendar.add_working_days(accepted, 7),
        case.get("copy_sent_on"),
    )
    if case.get("copy_sent_on"):
        sent = case["copy_sent_on"]
        add(
            "respondent_answer",
            N_("Administrative Review Law Art. 48"),
            sent,
            calendar.add_working_days(sent, 10),
            case.get("answer_received_on"),
        )
    days = (30 if case.get("procedure") == "simple" else 60) + (case.get("extension_days") or 0)
    add(
        "decision",
        N_("Administrative Review Law Art. 62"),
        accepted,
        calendar.add_calendar_days(accepted, days),
        case.get("concluded_on"),
    )


def _litigation_deadlines(case: dict, calendar, add: AddDeadline) -> None:
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
    add(
        "first_instance_judgment",
        N_("Administrative Litigation Law Art. 81"),
        filed,
        calendar.add_months(filed, 6),
        concluded,
    )
    if concluded and case.get("outcome") not in LITIGATION_KIND.final_outcomes:
        add(
            "appeal",
            N_("Administrative Litigation Law Art. 85"),
            concluded,
            calendar.add_calendar_days(concluded, 15),
            None,
            informational=True,
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
    ),
    deadlines={
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
    own_fields=("instance", "served_on", "defence_filed_on"),
    deadlines={
        "defence": N_("Defence and evidence (15 days from service)"),
        "first_instance_judgment": N_("First-instance judgment (6 months from filing)"),
        "appeal": N_("Appeal period (15 days from judgment)"),
    },
    deadline_rule=_litigation_deadlines,
    # SPEC section 2: the outcomes the respondent loses.
    lost=frozenset({*_ADVERSE_RULINGS, "compensation"}),
    has_hearings=True,
    reminds_unit=True,
    mediation_source="during_litigation",
    outcomes_after_mediation=("withdrawn", "mediated"),
    final_outcomes=frozenset({"withdrawn", "mediated"}),
    respondent_roles=(ORIGINAL_ACT, REVIEW_BODY, OTHER_RESPONDENT),
    follows_review=True,
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
#: Kinds with court hearings.
HEARING_KINDS = tuple(code for code, kind in KINDS.items() if kind.has_hearings)


#: Kinds whose upheld cases make the review body a co-defendant of the lawsuit that follows.
UPHOLDING_KINDS = tuple(code for code, kind in KINDS.items() if kind.upholds_act)


def kind_of(code: str | None) -> CaseKind | None:
    return KINDS.get(code or "")


def kinds_using(name: str) -> list[str]:
    """The kinds a form field belongs to: what the form's JS shows it for."""
    return [code for code, kind in KINDS.items() if kind.uses(name)]


def has_hearings(code: str | None) -> bool:
    return code in HEARING_KINDS


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
