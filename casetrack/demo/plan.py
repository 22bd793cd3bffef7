"""The demo district's history as plain records: the cases received and concluded, their hearings and the
mediations, from 2019 up to the day the demo is loaded. Pure: no database, no Flask; the same seed and day give the
same records, and a later day only adds to them.

2019–2020 are counted out to reproduce the 2020 rule-of-law report exactly (REPORT_COHORTS and the plans below,
counted by the real definitions: SPEC section 3). The years after it go on at the same scale with some variation,
so the last weeks before the day hold what is still open; a few records written out by hand (STORIES) make sure
each role finds its work on the first morning. casetrack.demo.services turns the records into data through the
real services."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from casetrack import identifiers
from casetrack.cases import kinds

#: (name, kind, head's name): the district's respondent units.
DEPARTMENTS = [
    ("富阳区人民政府", "district", "区长"),
    ("区公安分局", "department", "周建国"),
    ("区市场监管局", "department", "陈立新"),
    ("区人力社保局", "department", "王海燕"),
    ("区住建局", "department", "李志强"),
    ("区综合行政执法局", "department", "孙伟"),
    ("区自然资源和规划分局", "department", "吴国平"),
    ("区生态环境分局", "department", "郑晓东"),
    ("区卫生健康局", "department", "何丽"),
    ("区交通运输局", "department", "钱永明"),
    ("富春街道", "town", "冯军"),
    ("东洲街道", "town", "褚秀英"),
    ("银湖街道", "town", "卫东"),
    ("春江街道", "town", "蒋平"),
    ("鹿山街道", "town", "沈红"),
    ("新登镇", "town", "韩涛"),
    ("场口镇", "town", "杨帆"),
    ("万市镇", "town", "朱磊"),
]
HEADS = {name: head for name, _kind, head in DEPARTMENTS}

#: (username, role, unit, display name): one account per role, two unit liaisons.
DEMO_USERS = [
    ("tiaojie", "mediator", None, "调解中心 张敏"),
    ("sifaju", "legal", None, "司法局 刘洋"),
    ("fuchun", "unit", "富春街道", "富春街道 联络员 赵静"),
    ("shijianju", "unit", "区市场监管局", "区市场监管局 联络员 黄磊"),
    ("lingdao", "leader", None, "区领导 许正"),
    ("fuquzhang", "leader", None, "副区长 陈立"),
    ("admin", "admin", None, "系统管理员"),
    # 三员分立: the security and audit administrators are people of their own.
    ("anquan", "security", None, "安全管理员 周宁"),
    ("shenji", "auditor", None, "审计管理员 吴芳"),
]
#: 分管: the deputy district head oversees land, building and enforcement, and two towns.
DEMO_OVERSEEN = {"fuquzhang": ("区自然资源和规划分局", "区住建局", "区综合行政执法局", "富春街道", "新登镇")}
#: The district leader who holds the interviews (the demo's leader account).
LEADER_NAME = "许正"
MEDIATOR, LEGAL = "tiaojie", "sifaju"

#: How often a unit is the respondent: the land, enforcement and police offices most, the small towns least.
UNIT_WEIGHTS = {
    "区公安分局": 8,
    "区市场监管局": 7,
    "区人力社保局": 6,
    "区住建局": 6,
    "区综合行政执法局": 9,
    "区自然资源和规划分局": 10,
    "区生态环境分局": 4,
    "区卫生健康局": 3,
    "区交通运输局": 4,
    "富春街道": 6,
    "东洲街道": 4,
    "银湖街道": 4,
    "春江街道": 3,
    "鹿山街道": 3,
    "新登镇": 4,
    "场口镇": 3,
    "万市镇": 2,
}
MATTER_WEIGHTS = {
    "penalty": 30,
    "expropriation": 14,
    "information_disclosure": 12,
    "enforcement": 10,
    "licensing": 8,
    "inaction": 8,
    "complaint_handling": 8,
    "confirmation": 5,
    "other": 5,
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红波鑫"
COMPANIES = ["富阳某建材有限公司", "杭州某纸业有限公司", "富春江某餐饮店", "某农业专业合作社", "某物流有限公司"]
COURTS = ["杭州市富阳区人民法院", "杭州市中级人民法院", "杭州铁路运输法院"]
ABSENCE_REASONS = [
    "参加市委重要会议，已委托分管负责人以外的工作人员出庭",
    "赴省厅汇报工作，经区政府同意委托工作人员出庭",
    "处置突发事件，经区政府同意委托工作人员出庭",
]
MEDIATION_SUBJECTS = [
    "征地补偿争议",
    "行政处罚异议",
    "房屋征收补偿",
    "工伤认定争议",
    "违建拆除补偿",
    "信息公开答复争议",
]
AGREEMENTS = ["双方达成和解，申请人撤回申请", "被申请单位重新核定补偿款，申请人认可", "双方签订调解协议并当场履行"]

NON_ADVERSE = {
    kinds.REVIEW: ["upheld", "upheld", "rejected", "terminated", "mediated"],
    kinds.LITIGATION: ["claim_rejected", "claim_rejected", "withdrawn", "suit_dismissed", "mediated"],
}
ADVERSE = {kinds.REVIEW: sorted(kinds.REVIEW_KIND.corrected), kinds.LITIGATION: sorted(kinds.LITIGATION_KIND.lost)}
FIRST, SECOND = kinds.FIRST_INSTANCE, "second"


@dataclass
class HearingRecord:
    held_on: date
    court: str
    courtroom: str = ""
    #: None: not held yet (or not recorded); False: no head appeared, for ``absence_reason``, approved unless
    #: ``absence_pending``.
    appeared: bool | None = None
    principal_name: str | None = None
    #: hearings.rules.PRINCIPAL_TITLES
    principal_title: str | None = None
    spoke: bool | None = None
    absence_reason: str | None = None
    absence_pending: bool = False
    #: How many days before the hearing its head is named (the reminder asks for it seven days ahead).
    named_days_before: int = 7


@dataclass
class CaseRecord:
    kind: str
    received_on: date
    unit: str
    matter: str
    applicants: list[dict]
    applicant_count: int
    instance: str | None = None
    accepted_on: date | None = None
    #: With ``outcome``; None while the case is open on the day the demo is loaded.
    concluded_on: date | None = None
    outcome: str | None = None
    #: The progress of a case still open (filled in only for those).
    served_on: date | None = None
    defence_filed_on: date | None = None
    copy_sent_on: date | None = None
    answer_received_on: date | None = None
    #: Compensation claims, in yuan.
    amount_claimed: int | None = None
    amount_granted: int | None = None
    #: The demo user who handles it, and who registers it when it is registered rather than imported.
    handler: str | None = None
    registered_by: str | None = None
    #: The day it was registered, when that was before the demo's day (a case a workflow started on back then).
    registered_on: date | None = None
    summary: str = ""
    #: The name of the STORIES entry this case is, for the services that play the story out.
    story: str | None = None
    number: str = ""
    hearings: list[HearingRecord] = field(default_factory=list)
    #: 关联案号: the first instance a 二审 appeals, the review a lawsuit follows (a concluded case imported with it).
    related_case: str | None = None

    @property
    def is_open(self) -> bool:
        return self.concluded_on is None


@dataclass
class MediationRecord:
    received_on: date
    unit: str
    source: str
    parties: str
    subject: str
    sessions: list[date]
    #: succeeded | failed | withdrawn; None while open.
    result: str | None = None
    concluded_on: date | None = None
    agreement: str = ""
    number: str = ""


@dataclass
class DistrictPlan:
    today: date
    cases: list[CaseRecord]
    mediations: list[MediationRecord]

    def story(self, name: str) -> CaseRecord:
        return next(case for case in self.cases if case.story == name)


def district_plan(today: date, seed: int = 2020) -> DistrictPlan:
    """Every case and mediation of the demo district up to ``today``: the report years exactly as planned, the
    years since then drawn year by year (each year from its own random stream, so a later day keeps the earlier
    years as they were), then cut at ``today``: what would conclude today or later is still open."""
    if today < date(2021, 1, 1):
        raise ValueError("the demo district's report year 2020 must be over before the demo is loaded")
    cases = _report_years(seed) + _later_years(seed, today) + _stories(today)
    cases = [_as_of(case, today) for case in cases if case.received_on <= today]
    _number_cases(cases)
    _link_cases(cases)
    mediations = _report_year_mediations(seed) + _later_mediations(seed, today) + _current_mediations(today)
    mediations = [_mediation_as_of(m, today) for m in mediations if m.received_on <= today]
    _number_mediations(mediations)
    return DistrictPlan(today, cases, mediations)


# --- people and things ---------------------------------------------------------------------------------------


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


#: The deputy head in charge (分管负责人) of each unit, who appears when the head cannot.
DEPUTIES = {name: _person(random.Random(f"deputy:{name}")) for name in HEADS}


def _credit_code(rng: random.Random) -> str:
    first_17 = f"91330183MA{rng.randint(10**7, 10**8 - 1)}"[:17]
    return first_17 + identifiers.credit_code_check(first_17)


def _id_card(rng: random.Random) -> str:
    # The draws are the ones the demo always made (so every later draw, and the figures, stay as they were), read
    # into a real birth date and closed with the real check digit.
    year, month_day, sequence = rng.randint(1950, 2000), rng.randint(101, 1228), rng.randint(100, 999)
    rng.choice("0123456789X")
    first_17 = f"330183{year}{month_day // 100:02d}{month_day % 28 + 1:02d}{sequence}"
    return first_17 + identifiers.id_card_check(first_17)


def _applicants(rng: random.Random) -> tuple[list[dict], int]:
    if rng.random() < 0.12:
        return [{"name": rng.choice(COMPANIES), "id_number": _credit_code(rng)}], 1
    count = rng.choice([1] * 9 + [2, 6, 8])
    people = [{"name": _person(rng), "id_number": _id_card(rng)} for _ in range(min(count, 3))]
    return people, count


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _case(rng: random.Random, kind: str, instance: str | None, received: date, **values) -> CaseRecord:
    applicants, count = _applicants(rng)
    return CaseRecord(
        kind=kind,
        instance=instance,
        received_on=received,
        unit=values.pop("unit", None) or _weighted(rng, UNIT_WEIGHTS),
        matter=values.pop("matter", None) or _weighted(rng, MATTER_WEIGHTS),
        applicants=applicants,
        applicant_count=count,
        **values,
    )


def _attended(rng: random.Random, unit: str) -> dict:
    title = rng.choice(["main", "main", "deputy"])
    return {
        "appeared": True,
        "principal_name": HEADS[unit] if title == "main" else DEPUTIES[unit],
        "principal_title": title,
        "spoke": rng.random() < 0.9,
    }


def _absent(rng: random.Random) -> dict:
    return {"appeared": False, "absence_reason": rng.choice(ABSENCE_REASONS)}


# --- 2019–2020: the report years -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortPlan:
    """Cases of one kind received in ``received_year`` and concluded in ``concluded_year``."""

    kind: str
    received_year: int
    concluded_year: int
    count: int
    #: How many of them ended in a correction (review) or a loss (litigation).
    adverse: int = 0
    instance: str | None = None


REPORT_COHORTS = [
    # review: 2019 received 118, concluded 87 (50 corrected); 2020 received 94, concluded 105 (9 corrected)
    CohortPlan(kinds.REVIEW, 2018, 2019, 7, adverse=5),
    CohortPlan(kinds.REVIEW, 2019, 2019, 80, adverse=45),
    CohortPlan(kinds.REVIEW, 2019, 2020, 38, adverse=3),
    CohortPlan(kinds.REVIEW, 2020, 2020, 67, adverse=6),
    CohortPlan(kinds.REVIEW, 2020, 2021, 27, adverse=2),
    # litigation, first instance: 2019 received 130, concluded 143 (37 lost); 2020 received 111, concluded 124 (11 lost)
    CohortPlan(kinds.LITIGATION, 2018, 2019, 38, adverse=10, instance=FIRST),
    CohortPlan(kinds.LITIGATION, 2019, 2019, 105, adverse=27, instance=FIRST),
    CohortPlan(kinds.LITIGATION, 2019, 2020, 25, adverse=3, instance=FIRST),
    CohortPlan(kinds.LITIGATION, 2020, 2020, 99, adverse=8, instance=FIRST),
    CohortPlan(kinds.LITIGATION, 2020, 2021, 12, adverse=1, instance=FIRST),
    # second instance appeals: their own cases, outside every first-instance figure
    CohortPlan(kinds.LITIGATION, 2019, 2019, 14, adverse=2, instance=SECOND),
    CohortPlan(kinds.LITIGATION, 2020, 2020, 17, adverse=3, instance=SECOND),
]
#: Litigation cases with a hearing in the year, and of them those where a head appeared. 2020: 85, 83.
HEARING_PLAN = {2019: (72, 61), 2020: (85, 83)}
#: Mediations concluded (succeeded or failed), succeeded, and withdrawn (which the rate does not count).
MEDIATION_PLAN = {2019: (30, 24, 2), 2020: (39, 36, 4)}
#: 2020's compensation claims: received, decided after so many days, outcome, yuan claimed, yuan granted.
COMPENSATION_2020 = (
    ((2020, 3, 9), 41, "granted", 12000, 12000),
    ((2020, 5, 18), 52, "partly_granted", 86000, 30500),
    ((2020, 7, 6), 38, "refused", 5000, None),
    ((2020, 9, 21), 47, "granted", 2400, 2400),
    ((2020, 11, 2), 55, "refused", 150000, None),
    ((2020, 12, 14), 49, "partly_granted", 9800, 6000),
)


def _cohort_dates(rng: random.Random, plan: CohortPlan) -> tuple[date, date, date]:
    year, end_year = plan.received_year, plan.concluded_year
    if end_year == year:
        received = _random_day(rng, date(year, 1, 2), date(year, 10, 15))
        accepted = received + timedelta(days=rng.randint(1, 5))
        concluded = min(accepted + timedelta(days=rng.randint(20, 58)), date(year, 12, 30))
    else:
        received = _random_day(rng, date(year, 10, 20), date(year, 12, 20))
        accepted = received + timedelta(days=rng.randint(1, 5))
        concluded = _random_day(rng, date(end_year, 1, 5), date(end_year, 3, 20))
    return received, accepted, concluded


def _report_years(seed: int) -> list[CaseRecord]:
    rng = random.Random(seed)
    cases = []
    for plan in REPORT_COHORTS:
        outcomes = [rng.choice(ADVERSE[plan.kind]) for _ in range(plan.adverse)]
        outcomes += [rng.choice(NON_ADVERSE[plan.kind]) for _ in range(plan.count - plan.adverse)]
        rng.shuffle(outcomes)
        for outcome in outcomes:
            received, accepted, concluded = _cohort_dates(rng, plan)
            cases.append(
                _case(
                    rng,
                    plan.kind,
                    plan.instance,
                    received,
                    accepted_on=accepted,
                    concluded_on=concluded,
                    outcome=outcome,
                )
            )
    litigation = [case for case in cases if case.kind == kinds.LITIGATION]
    for year, (required, appeared) in HEARING_PLAN.items():
        candidates = [(case, day) for case in litigation if (day := _report_hearing_day(rng, case, year))]
        for index, (case, day) in enumerate(rng.sample(candidates, required)):
            court = rng.choice(COURTS)
            if index >= appeared:
                case.hearings.append(HearingRecord(day, court, f"第{rng.randint(1, 9)}法庭", **_absent(rng)))
                continue
            case.hearings.append(HearingRecord(day, court, f"第{rng.randint(1, 9)}法庭", **_attended(rng, case.unit)))
            second = day + timedelta(days=14)
            if rng.random() < 0.15 and second.year == year and case.concluded_on >= second:
                # A second hearing the head missed: the case still counts as appeared (one attended is enough).
                case.hearings.append(HearingRecord(second, court, **_absent(rng)))
    for (year, month, day), days, outcome, claimed, granted in COMPENSATION_2020:
        received = date(year, month, day)
        cases.append(
            _case(
                rng,
                kinds.COMPENSATION,
                None,
                received,
                unit=rng.choice(["区公安分局", "区市场监管局", "富春街道"]),
                matter=rng.choice(["enforcement", "penalty", "expropriation"]),
                accepted_on=received,
                concluded_on=received + timedelta(days=days),
                outcome=outcome,
                amount_claimed=claimed,
                amount_granted=granted,
            )
        )
    return cases


def _report_hearing_day(rng: random.Random, case: CaseRecord, year: int) -> date | None:
    start = max(case.received_on + timedelta(days=20), date(year, 1, 2))
    end = min(case.concluded_on - timedelta(days=3), date(year, 12, 28))
    return _random_day(rng, start, end) if start <= end else None


# --- 2021 until the demo's day: the same scale, year by year ---------------------------------------------------

#: A year's cases at the 2020 scale: (kind, instance) → new cases in a year, before the year's variation.
YEARLY_NEW = {
    (kinds.REVIEW, None): 95,
    (kinds.LITIGATION, FIRST): 110,
    (kinds.LITIGATION, SECOND): 16,
    (kinds.COMPENSATION, None): 5,
}
#: Days from acceptance to conclusion: a review is decided within 60 days (行政复议法 Art. 62), a first-instance
#: judgment within six months (行政诉讼法 Art. 81), a claim within two months (国家赔偿法 Art. 13).
DURATIONS = {
    (kinds.REVIEW, None): (15, 58),
    (kinds.LITIGATION, FIRST): (35, 165),
    (kinds.LITIGATION, SECOND): (25, 85),
    (kinds.COMPENSATION, None): (18, 56),
}


def _later_years(seed: int, today: date) -> list[CaseRecord]:
    cases = []
    for year in range(2021, today.year + 1):
        rng = random.Random(f"{seed}:{year}")
        correction_rate, loss_rate = rng.uniform(0.05, 0.11), rng.uniform(0.06, 0.12)
        appearance_rate = rng.uniform(0.94, 1.0)
        for (kind, instance), base in YEARLY_NEW.items():
            for _ in range(round(base * rng.uniform(0.86, 1.12))):
                case = _later_case(rng, kind, instance, year, correction_rate, loss_rate)
                if kind == kinds.LITIGATION:
                    _later_hearings(rng, case, appearance_rate)
                cases.append(case)
    return cases


def _later_case(rng, kind: str, instance: str | None, year: int, correction_rate: float, loss_rate: float):
    received = _random_day(rng, date(year, 1, 2), date(year, 12, 30))
    accepted = received if kind == kinds.COMPENSATION else received + timedelta(days=rng.randint(1, 6))
    shortest, longest = DURATIONS[(kind, instance)]
    concluded = accepted + timedelta(days=rng.randint(shortest, longest))
    values = {"accepted_on": accepted, "concluded_on": concluded}
    if kind == kinds.COMPENSATION:
        claimed = rng.choice([2400, 5000, 6800, 12000, 18500, 30000, 86000, 150000])
        outcome = rng.choices(["granted", "partly_granted", "refused"], weights=[3, 3, 4])[0]
        granted = {"granted": claimed, "partly_granted": claimed * rng.randint(3, 8) // 10}.get(outcome)
        values.update(outcome=outcome, amount_claimed=claimed, amount_granted=granted)
    else:
        adverse = rng.random() < (correction_rate if kind == kinds.REVIEW else loss_rate)
        values["outcome"] = rng.choice(ADVERSE[kind] if adverse else NON_ADVERSE[kind])
    if kind == kinds.REVIEW:
        values["copy_sent_on"] = accepted + timedelta(days=rng.randint(1, 5))
        values["answer_received_on"] = values["copy_sent_on"] + timedelta(days=rng.randint(4, 12))
    if kind == kinds.LITIGATION:
        values["served_on"] = accepted + timedelta(days=rng.randint(1, 5))
        values["defence_filed_on"] = values["served_on"] + timedelta(days=rng.randint(6, 14))
    values["handler"] = LEGAL if kind == kinds.LITIGATION and rng.random() < 0.5 else MEDIATOR
    return _case(rng, kind, instance, received, **values)


def _later_hearings(rng: random.Random, case: CaseRecord, appearance_rate: float) -> None:
    """Most first-instance cases are heard once or twice, half the appeals; a head appears at nearly all."""
    if rng.random() > (0.78 if case.instance == FIRST else 0.5):
        return
    start, end = case.received_on + timedelta(days=20), case.concluded_on - timedelta(days=3)
    if start > end:
        return
    day, court = _random_day(rng, start, end), COURTS[0] if case.instance == FIRST else COURTS[1]
    present = rng.random() < appearance_rate
    outcome = _attended(rng, case.unit) if present else _absent(rng)
    case.hearings.append(
        HearingRecord(day, court, f"第{rng.randint(1, 9)}法庭", named_days_before=rng.randint(2, 12), **outcome)
    )
    second = day + timedelta(days=rng.randint(14, 30))
    if rng.random() < 0.1 and second <= end:
        case.hearings.append(HearingRecord(second, court, f"第{rng.randint(1, 9)}法庭", **_attended(rng, case.unit)))


# --- the last weeks: work every role finds on the first morning --------------------------------------------------


def _story(name: str, kind: str, unit: str, matter: str, received: date, applicants: str, count: int = 1, **values):
    return CaseRecord(
        kind=kind,
        instance=FIRST if kind == kinds.LITIGATION else None,
        received_on=received,
        unit=unit,
        matter=matter,
        applicants=[{"name": applicants}],
        applicant_count=count,
        story=name,
        **values,
    )


def _stories(today: date) -> list[CaseRecord]:
    """Cases written out by hand, relative to the day: each gives a role something to do that morning."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    def ahead(days: int) -> date:
        return today + timedelta(days=days)

    def waiting(days: int, court: str = COURTS[0]) -> HearingRecord:
        return HearingRecord(ahead(days), court, "第3法庭")

    review, litigation, claim = kinds.REVIEW, kinds.LITIGATION, kinds.COMPENSATION
    return [
        # The legal bureau's task force: a group expropriation review flagged for an evidence gap five weeks ago;
        # the unit's measure fell due four days ago and is still open.
        _story(
            "task_force",
            review,
            "富春街道",
            "expropriation",
            ago(40),
            "周某某等7人",
            7,
            accepted_on=ago(38),
            copy_sent_on=ago(36),
            answer_received_on=ago(26),
            handler=MEDIATOR,
            registered_on=ago(38),
            summary="征收补偿安置争议，申请人多次到区信访",
        ),
        # A group lawsuit the mediation center flagged by hand yesterday: awaiting the legal bureau's review.
        _story(
            "awaiting_review",
            litigation,
            "区综合行政执法局",
            "enforcement",
            ago(9),
            "钱某某等12人",
            12,
            accepted_on=ago(7),
            served_on=ago(6),
            handler=LEGAL,
            registered_on=ago(6),
            summary="强制拆除违法建筑引发群体诉讼，申请人扬言集体上访",
        ),
        # A unit reported its won case (结案报备) for the legal bureau to confirm.
        _story(
            "outcome_report",
            litigation,
            "富春街道",
            "penalty",
            ago(130),
            "方某",
            accepted_on=ago(126),
            served_on=ago(125),
            defence_filed_on=ago(113),
            handler=LEGAL,
            registered_by="fuchun",
            hearings=[
                HearingRecord(
                    ago(45),
                    COURTS[0],
                    "第5法庭",
                    appeared=True,
                    principal_name=HEADS["富春街道"],
                    principal_title="main",
                    spoke=True,
                )
            ],
        ),
        # Hearings in the coming days whose head nobody has named yet (the unit's liaisons are reminded).
        _story(
            "hearing_fuchun",
            litigation,
            "富春街道",
            "expropriation",
            ago(38),
            "何某某",
            accepted_on=ago(36),
            served_on=ago(35),
            defence_filed_on=ago(24),
            handler=LEGAL,
            hearings=[waiting(2)],
        ),
        _story(
            "hearing_market",
            litigation,
            "区市场监管局",
            "penalty",
            ago(44),
            "杭州某纸业有限公司",
            accepted_on=ago(42),
            served_on=ago(41),
            defence_filed_on=ago(30),
            handler=MEDIATOR,
            hearings=[waiting(4)],
        ),
        _story(
            "hearing_police",
            litigation,
            "区公安分局",
            "penalty",
            ago(50),
            "严某",
            accepted_on=ago(48),
            served_on=ago(47),
            defence_filed_on=ago(36),
            handler=LEGAL,
            hearings=[waiting(9)],
        ),
        _story(
            "hearing_named",
            litigation,
            "区住建局",
            "licensing",
            ago(61),
            "某物流有限公司",
            accepted_on=ago(59),
            served_on=ago(58),
            defence_filed_on=ago(46),
            handler=LEGAL,
            hearings=[replace(waiting(6), principal_name=HEADS["区住建局"], principal_title="main")],
        ),
        # Defences to file within the week: the unit's liaisons and the handler are reminded.
        _story(
            "defence_market",
            litigation,
            "区市场监管局",
            "licensing",
            ago(11),
            "丁某",
            accepted_on=ago(9),
            served_on=ago(9),
            handler=LEGAL,
        ),
        _story(
            "defence_fuchun",
            litigation,
            "富春街道",
            "information_disclosure",
            ago(13),
            "汤某某",
            accepted_on=ago(12),
            served_on=ago(11),
            handler=LEGAL,
            registered_by="fuchun",
        ),
        # The mediation center's reviews: one decision overdue, an admission and a copy to send this week.
        _story(
            "review_overdue",
            review,
            "区人力社保局",
            "confirmation",
            ago(70),
            "章某",
            accepted_on=ago(67),
            copy_sent_on=ago(64),
            answer_received_on=ago(53),
            handler=MEDIATOR,
            summary="工伤认定申请被驳回",
        ),
        _story("review_admission", review, "东洲街道", "inaction", ago(2), "毛某某", handler=MEDIATOR),
        _story(
            "review_copy",
            review,
            "区市场监管局",
            "penalty",
            ago(6),
            "富春江某餐饮店",
            accepted_on=ago(5),
            handler=MEDIATOR,
        ),
        # A compensation claim to decide within the week.
        _story(
            "claim_due",
            claim,
            "区公安分局",
            "enforcement",
            ago(57),
            "赔偿请求人邵某",
            accepted_on=ago(57),
            amount_claimed=6800,
            handler=MEDIATOR,
        ),
        # A loss three weeks ago: its unit is proposed for an interview.
        _story(
            "recent_loss",
            litigation,
            "区自然资源和规划分局",
            "expropriation",
            ago(150),
            "俞某某等6人",
            6,
            accepted_on=ago(146),
            concluded_on=ago(20),
            outcome="revoked",
            hearings=[
                HearingRecord(
                    ago(60),
                    COURTS[0],
                    "第2法庭",
                    appeared=True,
                    principal_name=HEADS["区自然资源和规划分局"],
                    principal_title="main",
                    spoke=True,
                )
            ],
        ),
        # A hearing three days ago no head attended: the absence awaits the legal bureau's approval.
        _story(
            "absence_pending",
            litigation,
            "区市场监管局",
            "penalty",
            ago(60),
            "邹某",
            accepted_on=ago(58),
            served_on=ago(57),
            defence_filed_on=ago(45),
            handler=LEGAL,
            hearings=[
                HearingRecord(
                    ago(3),
                    COURTS[0],
                    "第1法庭",
                    appeared=False,
                    absence_pending=True,
                    absence_reason="局长参加全市市场监管工作会议，分管副局长因病住院",
                )
            ],
        ),
        # A review suspended ten weeks ago while the parties mediate: past the 60 days after which its handler is
        # reminded to resume it (行政复议法 Art. 40), and out of the overdue lists meanwhile.
        _story(
            "suspended",
            review,
            "区自然资源和规划分局",
            "licensing",
            ago(110),
            "孙某",
            accepted_on=ago(106),
            copy_sent_on=ago(104),
            answer_received_on=ago(95),
            handler=MEDIATOR,
            registered_on=ago(106),
            summary="建设工程规划许可争议，双方同意调解",
        ),
        # An application the legal bureau sent back for 补正 two days ago: the applicant has ten working days.
        _story(
            "correcting",
            review,
            "区人力社保局",
            "confirmation",
            ago(4),
            "吴某",
            handler=LEGAL,
            registered_on=ago(4),
            summary="工伤认定申请材料不全",
        ),
        # A review of a demolition order to be heard (听证) in four days: the notice has not gone out — late already by
        # Art. 51's five working days — and the unit's head must attend or send a staff member.
        _story(
            "review_hearing",
            review,
            "富春街道",
            "enforcement",
            ago(40),
            "钱某",
            accepted_on=ago(38),
            copy_sent_on=ago(36),
            answer_received_on=ago(27),
            handler=LEGAL,
            registered_on=ago(38),
            summary="限期拆除决定争议，申请人要求听证",
        ),
        # A review heard (听证) the day before yesterday, its notice out in time, the unit's deputy head attending.
        _story(
            "review_heard",
            review,
            "区市场监管局",
            "penalty",
            ago(35),
            "冯某",
            accepted_on=ago(33),
            copy_sent_on=ago(31),
            answer_received_on=ago(22),
            handler=LEGAL,
            registered_on=ago(33),
            summary="食品经营行政处罚争议，申请人申请听证",
        ),
        # Half a year ago a task force worked a risky lawsuit to a withdrawal; the legal bureau crossed it off.
        _story(
            "crossed_off",
            litigation,
            "区市场监管局",
            "penalty",
            ago(200),
            "杭州某科技有限公司",
            accepted_on=ago(196),
            served_on=ago(195),
            defence_filed_on=ago(186),
            concluded_on=ago(150),
            outcome="withdrawn",
            handler=LEGAL,
            registered_on=ago(194),
        ),
    ]


# --- the cut at the demo's day ---------------------------------------------------------------------------------


def _as_of(case: CaseRecord, today: date) -> CaseRecord:
    """The case as it stands on ``today``: a conclusion planned for today or later has not happened, and neither
    has any step after today. Hearings more than six weeks ahead are not set yet."""
    if case.concluded_on is not None and case.concluded_on >= today:
        case.concluded_on = case.outcome = case.amount_granted = None
    for name in ("accepted_on", "served_on", "defence_filed_on", "copy_sent_on", "answer_received_on"):
        if (getattr(case, name) or date.min) > today:
            setattr(case, name, None)
    case.hearings = [h for h in case.hearings if h.held_on <= today + timedelta(days=42)]
    for hearing in case.hearings:
        if hearing.held_on >= today and not case.story:
            # Not held yet: nothing is recorded, and the head is named only so many days before.
            hearing.appeared = hearing.spoke = hearing.absence_reason = None
            if (hearing.held_on - today).days > hearing.named_days_before:
                hearing.principal_name = hearing.principal_title = None
            elif hearing.principal_name is None:
                hearing.principal_name, hearing.principal_title = HEADS[case.unit], "main"
    return case


def _number_cases(cases: list[CaseRecord]) -> None:
    """案号 in the order the cases came in, per kind, instance and year: 富政复〔2020〕1号, (2020)浙0111行初1号…"""
    counters: dict[tuple, int] = {}
    for case in sorted(cases, key=lambda c: c.received_on):
        key = (case.kind, case.instance, case.received_on.year)
        counters[key] = counters.get(key, 0) + 1
        n, year = counters[key], case.received_on.year
        if case.kind == kinds.REVIEW:
            case.number = f"富政复〔{year}〕{n}号"
        elif case.kind == kinds.COMPENSATION:
            case.number = f"富赔〔{year}〕{n}号"
        else:
            case.number = f"({year})浙0111行初{n}号" if case.instance == FIRST else f"({year})浙01行终{n}号"


#: A lawsuit is filed within six months of the review decision (行政诉讼法 Art. 45 gives 15 days; the demo allows
#: the slack of real files); an appeal within weeks of the judgment.
_SUED_WITHIN, _APPEALED_WITHIN = timedelta(days=120), timedelta(days=120)
#: Every so many first-instance lawsuits follows a review of the same unit (复议后起诉).
_SUED_AFTER_EVERY = 6


def _link_cases(cases: list[CaseRecord]) -> None:
    """Links between the concluded cases of the ledger: each 二审 to a first instance of the same unit judged shortly
    before it (a lost one first: the unit appealed), and some lawsuits to a review of the same unit decided shortly
    before (upheld or rejected: the applicant went to court). Every instance stays its own case, so the section 3
    figures do not move; the linked-case figures get their numbers. Deterministic: the plan has no randomness here."""
    imported = [c for c in cases if c.concluded_on is not None and c.story is None]
    firsts = sorted((c for c in imported if c.kind == kinds.LITIGATION and c.instance == FIRST), key=_by_conclusion)
    taken: set[str] = set()
    seconds = (c for c in imported if c.kind == kinds.LITIGATION and c.instance == SECOND)
    for second in sorted(seconds, key=lambda c: (c.received_on, c.number)):
        earlier = [
            c
            for c in firsts
            if c.unit == second.unit
            and c.number not in taken
            and second.received_on - _APPEALED_WITHIN <= c.concluded_on < second.received_on
        ]
        lost = [c for c in earlier if c.outcome in kinds.LITIGATION_KIND.lost]
        if chosen := (lost or earlier)[-1:]:
            second.related_case = chosen[0].number
            taken.add(chosen[0].number)
    reviews = sorted(
        (c for c in imported if c.kind == kinds.REVIEW and c.outcome in ("upheld", "rejected")), key=_by_conclusion
    )
    used: set[str] = set()
    for position, lawsuit in enumerate(sorted(firsts, key=lambda c: (c.received_on, c.number))):
        if position % _SUED_AFTER_EVERY:
            continue
        fitting = [
            r
            for r in reviews
            if r.unit == lawsuit.unit
            and r.number not in used
            and lawsuit.received_on - _SUED_WITHIN <= r.concluded_on < lawsuit.received_on
        ]
        if fitting:
            lawsuit.related_case = fitting[-1].number
            used.add(fitting[-1].number)


def _by_conclusion(case: CaseRecord) -> tuple:
    return case.concluded_on, case.number


# --- mediations ------------------------------------------------------------------------------------------------


def _mediation(rng, received: date, days: int, result: str | None, sessions: list[date] | None = None):
    closed = received + timedelta(days=days) if result else None
    if sessions is None:
        sessions = [received + timedelta(days=rng.randint(3, 8))]
        if days >= 25:
            sessions.append(received + timedelta(days=days // 2))
    return MediationRecord(
        received_on=received,
        unit=_weighted(rng, UNIT_WEIGHTS),
        source=rng.choice(["pre_filing", "pre_filing", "during_review", "during_litigation", "court_entrusted"]),
        parties=_person(rng),
        subject=rng.choice(MEDIATION_SUBJECTS),
        sessions=[day for day in sessions if closed is None or day <= closed],
        result=result,
        concluded_on=closed,
        agreement=rng.choice(AGREEMENTS) if result == "succeeded" else "",
    )


def _results(rng, concluded: int, succeeded: int, withdrawn: int) -> list[str]:
    results = ["succeeded"] * succeeded + ["failed"] * (concluded - succeeded) + ["withdrawn"] * withdrawn
    rng.shuffle(results)
    return results


def _report_year_mediations(seed: int) -> list[MediationRecord]:
    rng = random.Random(f"{seed}:mediation")
    mediations = []
    for year, plan in MEDIATION_PLAN.items():
        for result in _results(rng, *plan):
            received = _random_day(rng, date(year, 1, 3), date(year, 10, 31))
            days = min(rng.randint(10, 50), (date(year, 12, 30) - received).days)
            mediations.append(_mediation(rng, received, days, result))
    return mediations


def _later_mediations(seed: int, today: date) -> list[MediationRecord]:
    mediations = []
    for year in range(2021, today.year + 1):
        rng = random.Random(f"{seed}:{year}:mediation")
        concluded = round(40 * rng.uniform(0.85, 1.15))
        succeeded = round(concluded * rng.uniform(0.86, 0.96))
        for result in _results(rng, concluded, succeeded, rng.randint(2, 5)):
            received = _random_day(rng, date(year, 1, 3), date(year, 12, 20))
            mediations.append(_mediation(rng, received, rng.randint(10, 50), result))
    return mediations


def _current_mediations(today: date) -> list[MediationRecord]:
    """Open disputes now: one without a session for six weeks, so the mediator is reminded of it."""
    rng = random.Random(f"mediations:{today.isoformat()}")
    return [
        replace(_mediation(rng, today - timedelta(days=45), 0, None, []), subject="房屋征收补偿"),
        _mediation(rng, today - timedelta(days=20), 0, None, [today - timedelta(days=15), today - timedelta(days=8)]),
        _mediation(rng, today - timedelta(days=3), 0, None, []),
    ]


def _mediation_as_of(mediation: MediationRecord, today: date) -> MediationRecord:
    if mediation.concluded_on is not None and mediation.concluded_on >= today:
        mediation.result, mediation.concluded_on, mediation.agreement = None, None, ""
    mediation.sessions = [day for day in mediation.sessions if day < today]
    return mediation


def _number_mediations(mediations: list[MediationRecord]) -> None:
    counters: dict[int, int] = {}
    for mediation in sorted(mediations, key=lambda m: m.received_on):
        year = mediation.received_on.year
        counters[year] = counters.get(year, 0) + 1
        mediation.number = f"富调〔{year}〕{counters[year]}号"
