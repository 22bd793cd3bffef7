"""司法建议, 检察建议 and 复议意见书/建议书: what each type is, when its reply is due, and how a suggestion moves from
received to rectified. Pure.

Reply periods, and where each default comes from:

- 检察建议: 《人民检察院检察建议工作规定》(2019) Art. 18 — the addressed body replies in writing within two months
  of receiving it.
- 公益诉讼诉前检察建议: 行政诉讼法 Art. 25(4) with 《最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的
  解释》 Art. 21 — the agency performs its duty and replies within two months (15 days where harm is urgent: the
  document then says so and its own date is entered).
- 复议意见书: 行政复议法 (2023) Art. 76 — the body reports how it corrected the act within 60 days.
- 复议建议书: 行政复议法实施条例 Art. 58 sets no period; 60 days, as for the 意见书.
- 司法建议: no statute sets one; courts name it in the 建议书, most often 30 days (《最高人民法院关于加强司法建议工作
  的意见》 asks for a reply and follow-up). The document's own date overrides the default.

A deployment changes them with ``CASETRACK_SUGGESTION_REPLY_PERIODS`` (``judicial=30d,procuratorate=2m,…``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casetrack import dates
from casetrack.i18n import N_, NP_, FilledMsgid

ISSUERS = {
    "court": N_("People's court"),
    "procuratorate": N_("People's procuratorate"),
    "review_body": N_("Administrative review body"),
    "other": N_("Other body"),
}


@dataclass(frozen=True)
class SuggestionType:
    code: str
    label: str  # msgid
    #: The contract's Chinese name (ledger 类型, the report).
    term: str
    issuer: str
    #: The default reply period: a number of days or of months ("30d", "2m").
    reply_period: str
    basis: str


TYPES = {
    t.code: t
    for t in (
        SuggestionType(
            "judicial", N_("Judicial suggestion (司法建议)"), "司法建议", "court", "30d", N_("Usual term of a 建议书")
        ),
        SuggestionType(
            "procuratorate",
            N_("Procuratorial suggestion (检察建议)"),
            "检察建议",
            "procuratorate",
            "2m",
            N_("Rules on procuratorial suggestions Art. 18"),
        ),
        SuggestionType(
            "public_interest",
            N_("Pre-litigation public-interest suggestion (公益诉讼诉前检察建议)"),
            "公益诉讼诉前检察建议",
            "procuratorate",
            "2m",
            N_("Administrative Litigation Law Art. 25; SPC/SPP interpretation Art. 21"),
        ),
        SuggestionType(
            "review_opinion",
            N_("Review opinion (行政复议意见书)"),
            "复议意见书",
            "review_body",
            "60d",
            N_("Administrative Review Law Art. 76"),
        ),
        SuggestionType(
            "review_recommendation",
            N_("Review recommendation (行政复议建议书)"),
            "复议建议书",
            "review_body",
            "60d",
            N_("Regulation on Administrative Review Art. 58 (no period; as Art. 76)"),
        ),
    )
}
#: The ledger's 类型 cell: the contract's four names, and the full name of a public-interest suggestion.
TYPE_TERMS = {
    "司法建议": "judicial",
    "检察建议": "procuratorate",
    "公益诉讼诉前检察建议": "public_interest",
    "诉前检察建议": "public_interest",
    "复议意见书": "review_opinion",
    "行政复议意见书": "review_opinion",
    "复议建议书": "review_recommendation",
    "行政复议建议书": "review_recommendation",
}
#: Types the report counts as 检察建议 ("接受检察建议N份并整改完毕").
PROCURATORIAL = frozenset({"procuratorate", "public_interest"})

STATES = {
    # Not a case's 已收案: a document is 已收到.
    "received": NP_("suggestion", "Received"),
    "replying": N_("Reply in preparation"),
    "replied": N_("Replied, rectifying"),
    "rectification_reported": N_("Rectification reported"),
    "rectified": N_("Rectified"),
    "closed": N_("Closed"),
}
#: States whose reply is still owed.
AWAITING_REPLY = frozenset({"received", "replying"})
OPEN_STATES = frozenset({"received", "replying", "replied", "rectification_reported"})

#: (from state, action) → to state: the only way a suggestion moves.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("received", "start"): "replying",
    ("received", "reply"): "replied",
    ("replying", "reply"): "replied",
    ("replied", "report_rectified"): "rectification_reported",
    ("rectification_reported", "accept"): "rectified",
    ("rectification_reported", "send_back"): "replied",
    ("received", "close"): "closed",
    ("replying", "close"): "closed",
    ("replied", "close"): "closed",
    ("rectification_reported", "close"): "closed",
}
ACTIONS = {
    "start": N_("Start the reply"),
    "reply": N_("Record the reply"),
    "report_rectified": N_("Report the rectification done"),
    "accept": N_("Accept the rectification"),
    "send_back": N_("Send back"),
    # Not a mediation's 办结: the suggestion needs nothing more (withdrawn by its issuer, sent to the wrong unit).
    "close": NP_("suggestion", "Close"),
}
#: The capability (accounts.permissions) each action needs; a unit acts on suggestions addressed to it.
ACTION_CAPABILITIES = {
    "start": "reply_suggestions",
    "reply": "reply_suggestions",
    "report_rectified": "reply_suggestions",
    "accept": "manage_suggestions",
    "send_back": "manage_suggestions",
    "close": "manage_suggestions",
}
#: Actions whose comment is required and kept.
COMMENT_REQUIRED = frozenset({"send_back", "close"})
DONE = {
    "start": N_("Reply started: %(number)s."),
    "reply": N_("Reply recorded: %(number)s."),
    "report_rectified": N_("Rectification reported; the legal bureau will accept it: %(number)s."),
    "accept": N_("Rectification accepted: %(number)s."),
    "send_back": N_("Sent back to the unit: %(number)s."),
    "close": N_("Closed: %(number)s."),
}


def next_state(state: str, action: str) -> str | None:
    return TRANSITIONS.get((state, action))


def parse_period(text: str) -> tuple[int, str]:
    """ "30d" → (30, "d"), "2m" → (2, "m"); ValueError otherwise."""
    text = text.strip().lower()
    if len(text) < 2 or text[-1] not in "dm" or not text[:-1].isdigit() or not 0 < int(text[:-1]) <= 366:
        raise ValueError(text)
    return int(text[:-1]), text[-1]


def reply_periods(setting: str) -> dict[str, str]:
    """The types' reply periods with ``CASETRACK_SUGGESTION_REPLY_PERIODS`` applied; ValueError names a bad entry."""
    periods = {code: t.reply_period for code, t in TYPES.items()}
    for entry in filter(None, (part.strip() for part in (setting or "").split(","))):
        code, _, period = entry.partition("=")
        if code.strip() not in TYPES:
            raise ValueError(f"unknown suggestion type {code.strip()!r}")
        try:
            parse_period(period)
        except ValueError:
            raise ValueError(f"{entry!r}: a period is days or months, like 30d or 2m") from None
        periods[code.strip()] = period.strip().lower()
    return periods


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_reply_due(kind: str, received_on: date, periods: dict[str, str]) -> date:
    """Calendar days or months from the day received: the periods above are 日 and 月, not working days."""
    count, unit = parse_period(periods[kind])
    return received_on + timedelta(days=count) if unit == "d" else _add_months(received_on, count)


def registration_problems(values: dict, today: date) -> list[tuple[str, str]]:
    """(field, msgid) for a suggestion as registered or imported."""
    problems = []
    if not (values.get("number") or "").strip():
        problems.append(("number", N_("Give the document number (文号).")))
    if values.get("kind") not in TYPES:
        problems.append(("kind", N_("Choose the type of suggestion.")))
    if not (values.get("issuer") or "").strip():
        problems.append(("issuer", N_("Name the body that issued it.")))
    received = values.get("received_on")
    if received is None:
        problems.append(("received_on", N_("Give the date received.")))
    else:
        problems += [("received_on", p) for p in dates.happened_problems(received, today)]
    due = values.get("reply_due_on")
    if due is not None and received is not None and due < received:
        problems.append(("reply_due_on", N_("The reply cannot be due before the suggestion was received.")))
    elif due is not None:
        problems += [("reply_due_on", p) for p in dates.planned_problems(due, today)]
    return problems


def after_problems(day: date | None, after: date | None, today: date, missing: str, before: str) -> list[str]:
    """A day something was done (a reply sent, a rectification finished): given, not in the future, not before
    ``after``."""
    if day is None:
        return [missing]
    if problems := dates.happened_problems(day, today):
        return problems
    if after is not None and day < after:
        return [FilledMsgid(before, day=after.isoformat())]
    return []


def on_time(replied_on: date | None, due_on: date) -> bool:
    return replied_on is not None and replied_on <= due_on


def reply_overdue(state: str, due_on: date, today: date) -> bool:
    return state in AWAITING_REPLY and due_on < today


AUDIT_FIELDS = {
    "suggestion": {
        "state": N_("State"),
        "number": N_("Document number (文号)"),
        "kind": N_("Type"),
        "received_on": N_("Date received"),
        "reply_due_on": N_("Reply due"),
        "replied_on": N_("Reply sent on"),
        "measures": N_("Measures"),
        "rectified_on": N_("Rectification done on"),
        "rectification_evidence": N_("Evidence of rectification"),
        "units": N_("Addressed units"),
    }
}
AUDIT_VALUES = {"suggestion": {"state": STATES, "kind": {code: t.label for code, t in TYPES.items()}}}
