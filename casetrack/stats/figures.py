"""The figure registry: every figure declared once — what it is, how it is counted into the annual-report shape,
how its change is expressed, and its names. Pure.

The SQL that counts lives in stats.queries and answers, for each section, one count per ``count`` below under the
label ``<section>_<field>``. The dashboard cards and charts, the report's tables and Word charts, the annual JSON,
the API schema and the summary mails all loop over this registry instead of naming figures one by one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from casetrack.cases.kinds import COMPENSATION, LITIGATION, REVIEW
from casetrack.i18n import N_

COUNT, RATE, AMOUNT = "count", "rate", "amount"
#: The section of the 听证 of review cases (counted by stats.queries.review_hearing_counts).
REVIEW_HEARING = "review_hearing"
#: A count's year-on-year change is a percentage of last year's count; a rate's is in percentage points.
PCT, PP = "pct", "pp"


@dataclass(frozen=True)
class Figure:
    section: str
    #: The key within the section: "new", "correction_rate" (its JSON keys then are correction_rate_pct, …).
    field: str
    kind: str  # COUNT | RATE | AMOUNT
    label: str  # msgid
    #: The Chinese words the report (a Chinese government document whatever the interface language) uses.
    term: str
    #: RATE: the section's counts it divides.
    numerator: str | None = None
    denominator: str | None = None
    #: How the change against the same period a year earlier is expressed (PCT, PP), or None: not compared.
    change: str | None = None
    #: A dashboard card; its element id.
    card: str | None = None
    #: msgid of the line under a card, with the section's counts as parameters.
    detail: str | None = None
    #: Drawn month by month (dashboard charts, the report's trend table and Word charts): (colour, its name).
    trend: tuple[str, str] | None = None
    #: A column of the report's table by unit.
    unit_column: bool = False
    #: In the leaders' monthly summary and their table of 分管 units: the new cases and the four rates.
    headline: bool = False

    @functools.cached_property
    def key(self) -> str:
        """The SPEC section 3 name: review.correction_rate."""
        return f"{self.section}.{self.field}"

    @functools.cached_property
    def value_key(self) -> str:
        """Its key in the annual-report JSON."""
        return f"{self.field}_pct" if self.kind == RATE else self.field

    @functools.cached_property
    def previous_key(self) -> str | None:
        if self.change is None:
            return None
        return f"{self.field}_prev_pct" if self.kind == RATE else f"{self.field}_prev"

    @functools.cached_property
    def change_key(self) -> str | None:
        if self.change is None:
            return None
        return f"{self.field}_change_pp" if self.change == PP else f"{self.field}_yoy_pct"

    @functools.cached_property
    def sql_label(self) -> str:
        return f"{self.section}_{self.field}"


@dataclass(frozen=True)
class Section:
    code: str
    label: str  # msgid
    #: msgids of the summary mail's sentences about the section; parameters are the section's values.
    summary: tuple[str, ...]
    #: Left out of the report's tables and charts for a period in which it counted nothing (most districts
    #: have few compensation claims, and an empty column makes a crowded table harder to read).
    optional: bool = False
    #: The counts whose activity shows an optional section; empty: any of its counts. (A section that repeats a
    #: denominator of another, as linked_cases repeats the reviews concluded, counts only what is its own.)
    activity: tuple[str, ...] = ()


SECTIONS = (
    Section(
        REVIEW,
        N_("Administrative review"),
        (
            N_("%(new)s new, year-on-year %(new_yoy_pct)s"),
            N_("correction rate %(correction_rate_pct)s (%(corrected)s of %(concluded)s)"),
        ),
    ),
    Section(
        LITIGATION,
        N_("Litigation (first instance)"),
        (
            N_("%(new)s new, year-on-year %(new_yoy_pct)s"),
            N_("loss rate %(loss_rate_pct)s (%(lost)s of %(concluded)s)"),
        ),
    ),
    Section("appearance", N_("Head appeared in court"), (N_("%(appeared)s of %(required)s cases, %(rate_pct)s"),)),
    #: 听证负责人参加率 (行政复议法 Art. 51): kept apart from the court appearance rate above, which counts litigation
    #: hearings only.
    Section(
        REVIEW_HEARING,
        N_("Head attended review hearings (听证)"),
        (N_("%(attended)s of %(required)s reviews with a hearing, %(rate_pct)s"),),
        optional=True,
    ),
    Section(
        "mediation",
        N_("Mediation"),
        (N_("%(succeeded)s succeeded of %(concluded)s concluded, %(success_rate_pct)s"),),
    ),
    Section(
        COMPENSATION,
        N_("Administrative compensation"),
        (
            N_("%(new)s new, year-on-year %(new_yoy_pct)s"),
            N_("%(granted)s granted of %(concluded)s decided, %(amount_granted)s yuan"),
        ),
        optional=True,
    ),
)

#: Chart colours of the figures drawn month by month, with their names for the Word captions.
BLUE, ORANGE, RED, GREEN, PURPLE, GREY = (
    ("#2f6fb0", "蓝色"),
    ("#e07b24", "橙色"),
    ("#c0392b", "红色"),
    ("#27ae60", "绿色"),
    ("#8e44ad", "紫色"),
    ("#7f8c8d", "灰色"),
)


def _count(section: str, field: str, label: str, term: str, **options) -> Figure:
    return Figure(section, field, COUNT, label, term, **options)


def _rate(section: str, field: str, label: str, term: str, of: tuple[str, str], **options) -> Figure:
    numerator, denominator = of
    return Figure(section, field, RATE, label, term, numerator=numerator, denominator=denominator, **options)


FIGURES = (
    _count(
        REVIEW,
        "new",
        N_("New review cases"),
        "复议新发",
        change=PCT,
        card="review-new",
        trend=BLUE,
        unit_column=True,
        headline=True,
    ),
    _count(REVIEW, "concluded", N_("Review cases concluded"), "复议审结"),
    _count(REVIEW, "corrected", N_("Review cases corrected"), "复议纠错", unit_column=True),
    _rate(
        REVIEW,
        "correction_rate",
        N_("Review correction rate"),
        "纠错率",
        of=("corrected", "concluded"),
        change=PP,
        card="correction-rate",
        headline=True,
        detail=N_("%(corrected)s corrected of %(concluded)s concluded"),
        trend=BLUE,
        unit_column=True,
    ),
    _count(
        LITIGATION,
        "new",
        N_("New first-instance litigation cases"),
        "诉讼新发",
        change=PCT,
        card="litigation-new",
        headline=True,
        trend=ORANGE,
        unit_column=True,
    ),
    _count(LITIGATION, "concluded", N_("First-instance litigation cases concluded"), "诉讼审结"),
    _count(LITIGATION, "lost", N_("Litigation cases lost"), "败诉", unit_column=True),
    _rate(
        LITIGATION,
        "loss_rate",
        N_("Litigation loss rate"),
        "败诉率",
        of=("lost", "concluded"),
        change=PP,
        card="loss-rate",
        headline=True,
        detail=N_("%(lost)s lost of %(concluded)s concluded"),
        trend=RED,
        unit_column=True,
    ),
    _count("appearance", "required", N_("Litigation cases with a hearing"), "开庭案件"),
    _count("appearance", "appeared", N_("Cases where a head appeared"), "负责人出庭"),
    _rate(
        "appearance",
        "rate",
        N_("Appearance rate"),
        "出庭率",
        of=("appeared", "required"),
        card="appearance-rate",
        headline=True,
        detail=N_("a head appeared in %(appeared)s of %(required)s cases with a hearing"),
        trend=GREEN,
        unit_column=True,
    ),
    _count(REVIEW_HEARING, "required", N_("Review cases with a hearing (听证)"), "听证案件"),
    _count(REVIEW_HEARING, "attended", N_("Reviews where the head attended a hearing"), "负责人参加听证"),
    _rate(
        REVIEW_HEARING,
        "rate",
        N_("Head's attendance rate at review hearings"),
        "听证负责人参加率",
        of=("attended", "required"),
        card="review-hearing-rate",
        detail=N_("the head attended in %(attended)s of %(required)s reviews with a hearing (听证)"),
        unit_column=True,
    ),
    _count("mediation", "concluded", N_("Mediations concluded"), "调解办结"),
    _count("mediation", "succeeded", N_("Mediations succeeded"), "调解成功"),
    _rate(
        "mediation",
        "success_rate",
        N_("Mediation success rate"),
        "调解成功率",
        of=("succeeded", "concluded"),
        card="mediation-success-rate",
        headline=True,
        detail=N_("%(succeeded)s succeeded of %(concluded)s concluded"),
        trend=PURPLE,
        unit_column=True,
    ),
    _count(
        COMPENSATION,
        "new",
        N_("New compensation claims"),
        "赔偿新收",
        change=PCT,
        card="compensation-new",
        trend=GREY,
        unit_column=True,
    ),
    _count(COMPENSATION, "concluded", N_("Compensation claims decided"), "赔偿决定"),
    _count(
        COMPENSATION,
        "granted",
        N_("Compensation claims granted"),
        "决定赔偿",
        card="compensation-granted",
        detail=N_("%(granted)s granted of %(concluded)s decided"),
    ),
    Figure(
        COMPENSATION,
        "amount_granted",
        AMOUNT,
        N_("Compensation granted (yuan)"),
        "赔偿金额(元)",
        card="compensation-amount",
        unit_column=True,
    ),
)

#: Linked cases (issue 12): every instance and the lawsuit after a review stay their own cases (SPEC section 3), so
#: these figures sit in a section of their own and leave the review and litigation sections as they were. Each
#: rate's denominator is repeated here, counted the same way, because a rate divides counts of its own section.
LINKED_CASES = "linked_cases"
SECTIONS = (
    *SECTIONS,
    Section(
        LINKED_CASES,
        N_("Linked cases"),
        (
            N_(
                "%(sued_after)s of %(reviews_concluded)s concluded reviews followed by a lawsuit, "
                "%(sued_after_rate_pct)s"
            ),
            N_(
                "%(reversed_on_appeal)s of %(appeals_concluded)s appeals of lost first instances reversed the loss, "
                "%(reversal_rate_pct)s"
            ),
        ),
        optional=True,
        activity=("sued_after", "appeals_concluded"),
    ),
)
FIGURES = (
    *FIGURES,
    _count(LINKED_CASES, "reviews_concluded", N_("Review cases concluded"), "复议审结"),
    _count(LINKED_CASES, "sued_after", N_("Reviews followed by a lawsuit"), "复议后起诉"),
    _rate(
        LINKED_CASES,
        "sued_after_rate",
        N_("Reviews followed by a lawsuit (rate)"),
        "复议后起诉率",
        of=("sued_after", "reviews_concluded"),
        card="sued-after-rate",
        detail=N_("%(sued_after)s of %(reviews_concluded)s concluded reviews were followed by a lawsuit"),
        unit_column=True,
    ),
    # Counted on the 二审, in the period it concluded, of a first instance the unit lost.
    _count(LINKED_CASES, "appeals_concluded", N_("Appeals of lost first instances decided"), "败诉案件二审审结"),
    _count(LINKED_CASES, "reversed_on_appeal", N_("First-instance losses reversed on appeal"), "二审改判"),
    _rate(
        LINKED_CASES,
        "reversal_rate",
        N_("First-instance losses reversed on appeal (rate)"),
        "一审败诉二审改判率",
        of=("reversed_on_appeal", "appeals_concluded"),
        card="reversal-rate",
        detail=N_("%(reversed_on_appeal)s of %(appeals_concluded)s appeals of lost cases reversed the loss"),
        unit_column=True,
    ),
)

# --- closing the loop (issue 14): suggestions, rectification after a correction or loss, why cases are lost ------

SUGGESTIONS, RECTIFICATION, ADVERSE_REASONS = "suggestions", "rectification", "adverse_reasons"
#: The reasons of rectification.rules.REASONS, in its order (named here too: the registry is a leaf). A reason the
#: legal bureau adds to the list counts under "other" here and under its own name on the class-case page.
REASON_CODES = ("facts_unclear", "procedure", "wrong_law", "beyond_authority", "clearly_improper", "inaction", "other")
_REASON_NAMES = {
    "facts_unclear": (
        N_("Cases lost or corrected: facts unclear or evidence insufficient"),
        N_("Share of coded cases: facts unclear or evidence insufficient"),
        "事实不清、证据不足",
    ),
    "procedure": (
        N_("Cases lost or corrected: breach of legal procedure"),
        N_("Share of coded cases: breach of legal procedure"),
        "程序违法",
    ),
    "wrong_law": (
        N_("Cases lost or corrected: wrong application of law"),
        N_("Share of coded cases: wrong application of law"),
        "适用法律错误",
    ),
    "beyond_authority": (
        N_("Cases lost or corrected: beyond authority"),
        N_("Share of coded cases: beyond authority"),
        "超越职权",
    ),
    "clearly_improper": (
        N_("Cases lost or corrected: clearly improper"),
        N_("Share of coded cases: clearly improper"),
        "明显不当",
    ),
    "inaction": (
        N_("Cases lost or corrected: failure to perform a statutory duty"),
        N_("Share of coded cases: failure to perform a statutory duty"),
        "不履行法定职责",
    ),
    "other": (
        N_("Cases lost or corrected: other reasons"),
        N_("Share of coded cases: other reasons"),
        "其他原因",
    ),
}
SECTIONS = (
    *SECTIONS,
    Section(
        SUGGESTIONS,
        N_("Judicial and procuratorial suggestions, review opinions"),
        (N_("%(received)s received, %(replied)s replied (%(replied_on_time)s on time), %(rectified)s rectified"),),
        optional=True,
    ),
    Section(
        RECTIFICATION,
        N_("Rectification after corrections and losses"),
        (N_("%(due)s items due, %(done_on_time)s done on time, %(on_time_rate_pct)s"),),
        optional=True,
    ),
    Section(
        ADVERSE_REASONS,
        N_("Why cases were lost or corrected"),
        (N_("%(coded)s of %(adverse)s corrected or lost cases have their reasons coded"),),
        optional=True,
        activity=("adverse",),
    ),
)
FIGURES = (
    *FIGURES,
    # Counted by the day received, so a year's suggestions keep their replies and rectifications in that year.
    _count(SUGGESTIONS, "received", N_("Suggestions received"), "收到建议", unit_column=True),
    _count(SUGGESTIONS, "replied", N_("Suggestions replied to"), "已回复"),
    _count(SUGGESTIONS, "replied_on_time", N_("Suggestions replied to on time"), "按期回复"),
    _count(
        SUGGESTIONS,
        "rectified",
        N_("Suggestions rectified"),
        "整改完毕",
        card="suggestions-rectified",
        detail=N_("%(rectified)s rectified of %(received)s received"),
        unit_column=True,
    ),
    # Counted by the day due: what fell due in the period, and of that what was done by its day.
    _count(RECTIFICATION, "due", N_("Rectification items due"), "到期整改事项"),
    _count(RECTIFICATION, "done_on_time", N_("Rectification items done on time"), "按期整改"),
    _rate(
        RECTIFICATION,
        "on_time_rate",
        N_("Rectification done on time (rate)"),
        "按期整改率",
        of=("done_on_time", "due"),
        card="rectification-on-time-rate",
        detail=N_("%(done_on_time)s of %(due)s items due were done on time"),
    ),
    # Corrected reviews and lost first instances concluded in the period (the correction and loss rates' cases).
    _count(ADVERSE_REASONS, "adverse", N_("Cases corrected or lost"), "纠错及败诉案件"),
    _count(ADVERSE_REASONS, "coded", N_("Cases corrected or lost with reasons coded"), "已分析原因"),
    *(
        figure
        for code in REASON_CODES
        for figure in (
            _count(ADVERSE_REASONS, code, _REASON_NAMES[code][0], _REASON_NAMES[code][2]),
            _rate(
                ADVERSE_REASONS,
                f"{code}_share",
                _REASON_NAMES[code][1],
                f"{_REASON_NAMES[code][2]}占比",
                of=(code, "coded"),
            ),
        )
    ),
)

BY_KEY = {figure.key: figure for figure in FIGURES}


def figure(key: str) -> Figure:
    return BY_KEY[key]


def of_section(code: str) -> list[Figure]:
    return list(_BY_SECTION.get(code, ()))


#: The figures of each section, in order: shape_figures asks for them once per unit and period.
_BY_SECTION: dict[str, tuple[Figure, ...]] = {}
for _figure in FIGURES:
    _BY_SECTION[_figure.section] = (*_BY_SECTION.get(_figure.section, ()), _figure)


def section_figures(code: str) -> tuple[Figure, ...]:
    return _BY_SECTION.get(code, ())


def counted() -> list[Figure]:
    """The figures the SQL counts (or sums); rates are divided from them."""
    return [f for f in FIGURES if f.kind != RATE]


def cards() -> list[Figure]:
    return [f for f in FIGURES if f.card]


def headline() -> list[Figure]:
    return [f for f in FIGURES if f.headline]


def trend_counts() -> list[Figure]:
    return [f for f in FIGURES if f.trend and f.kind == COUNT]


def trend_rates() -> list[Figure]:
    return [f for f in FIGURES if f.trend and f.kind == RATE]


def unit_columns() -> list[Figure]:
    return [f for f in FIGURES if f.unit_column]


def section(code: str) -> Section:
    return next(s for s in SECTIONS if s.code == code)
