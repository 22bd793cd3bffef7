"""Demo data: a Fuyang-like district whose 2019–2020 cases reproduce the 2020 rule-of-law report's figures
when counted by the real definitions (SPEC section 3). The plan below says how many cases were received and
concluded in each year and how they ended; the figures themselves are never stored anywhere."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from casetrack.accounts import services as accounts
from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import SYSTEM
from casetrack.cases import kinds, rules
from casetrack.cases.models import Case
from casetrack.cases.services import register_case
from casetrack.extensions import db
from casetrack.mediation import rules as mediation_rules

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

DEMO_USERS = [
    ("tiaojie", "mediator", None, "调解中心 张敏"),
    ("sifaju", "legal", None, "司法局 刘洋"),
    ("fuchun", "unit", "富春街道", "富春街道 联络员 赵静"),
    ("shijianju", "unit", "区市场监管局", "区市场监管局 联络员 黄磊"),
    ("lingdao", "leader", None, "区领导 许正"),
    ("admin", "admin", None, "系统管理员"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红波鑫"
COMPANIES = ["富阳某建材有限公司", "杭州某纸业有限公司", "富春江某餐饮店", "某农业专业合作社", "某物流有限公司"]


@dataclass(frozen=True)
class CohortPlan:
    """Cases of one kind received in ``received_year`` and concluded in ``concluded_year`` (None: still open)."""

    kind: str
    received_year: int
    concluded_year: int | None
    count: int
    #: How many of them ended in a correction (review) or a loss (litigation).
    adverse: int = 0
    instance: str | None = None


PLAN = [
    # review: 2019 received 118, concluded 87 (50 corrected); 2020 received 94, concluded 105 (9 corrected)
    CohortPlan(kinds.REVIEW, 2018, 2019, 7, adverse=5),
    CohortPlan(kinds.REVIEW, 2019, 2019, 80, adverse=45),
    CohortPlan(kinds.REVIEW, 2019, 2020, 38, adverse=3),
    CohortPlan(kinds.REVIEW, 2020, 2020, 67, adverse=6),
    CohortPlan(kinds.REVIEW, 2020, 2021, 27, adverse=2),
    # litigation, first instance: 2019 received 130, concluded 143 (37 lost); 2020 received 111, concluded 124 (11 lost)
    CohortPlan(kinds.LITIGATION, 2018, 2019, 38, adverse=10, instance="first"),
    CohortPlan(kinds.LITIGATION, 2019, 2019, 105, adverse=27, instance="first"),
    CohortPlan(kinds.LITIGATION, 2019, 2020, 25, adverse=3, instance="first"),
    CohortPlan(kinds.LITIGATION, 2020, 2020, 99, adverse=8, instance="first"),
    CohortPlan(kinds.LITIGATION, 2020, 2021, 12, adverse=1, instance="first"),
    # second instance appeals: their own cases, outside every first-instance figure
    CohortPlan(kinds.LITIGATION, 2019, 2019, 14, adverse=2, instance="second"),
    CohortPlan(kinds.LITIGATION, 2020, 2020, 17, adverse=3, instance="second"),
]

NON_ADVERSE = {
    kinds.REVIEW: ["upheld", "upheld", "rejected", "terminated", "mediated"],
    kinds.LITIGATION: ["claim_rejected", "claim_rejected", "withdrawn", "suit_dismissed", "mediated"],
}
ADVERSE = {kinds.REVIEW: sorted(kinds.REVIEW_KIND.corrected), kinds.LITIGATION: sorted(kinds.LITIGATION_KIND.lost)}


def demo_present() -> bool:
    return db.session.scalar(select(func.count(Case.id)).where(Case.number.like("%富政复%"))) > 0


def _units() -> dict[str, Unit]:
    units = {}
    for name, kind, head in DEPARTMENTS:
        unit = accounts.find_unit(name) or accounts.save_unit(None, SYSTEM, name=name, kind=kind, head_name=head)
        units[name] = unit
    return units


def _users(units: dict[str, Unit], password: str) -> list[tuple[str, str, str]]:
    rows = []
    password_hash = accounts.hash_password(password)
    for username, role, unit_name, display in DEMO_USERS:
        user = accounts.find_user(username)
        if user is None:
            accounts.create_user(
                username,
                role,
                password,
                SYSTEM,
                unit=units.get(unit_name),
                email=f"{username}@demo.example.com",
                display_name=display,
                password_hash=password_hash,
            )
        else:
            user.password_hash = password_hash
            accounts.set_active(user, True, SYSTEM)
        rows.append((username, role, unit_name or ""))
    return rows


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _applicants(rng: random.Random) -> tuple[list[dict], int]:
    if rng.random() < 0.12:
        return [{"name": rng.choice(COMPANIES), "id_number": f"91330183MA{rng.randint(10**7, 10**8 - 1)}"}], 1
    count = rng.choice([1] * 9 + [2, 6, 8])
    people = [
        {
            "name": _person(rng),
            "id_number": f"330183{rng.randint(1950, 2000)}{rng.randint(101, 1228):04d}"
            f"{rng.randint(100, 999)}{rng.choice('0123456789X')}",
        }
        for _ in range(min(count, 3))
    ]
    return people, count


def _dates(rng: random.Random, plan: CohortPlan) -> tuple[date, date, date | None]:
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


def _numbers():
    counters: dict[tuple, int] = {}

    def next_number(kind: str, instance: str | None, year: int) -> str:
        key = (kind, instance, year)
        counters[key] = counters.get(key, 0) + 1
        n = counters[key]
        if kind == kinds.REVIEW:
            return f"富政复〔{year}〕{n}号"
        if kind == kinds.COMPENSATION:
            return f"富赔〔{year}〕{n}号"
        return f"({year})浙0111行初{n}号" if instance == "first" else f"({year})浙01行终{n}号"

    return next_number


def seed(today: date, rng_seed: int = 2020) -> dict:
    """Load the demo; returns {"users": [...], "password": ..., "cases": N}. Safe to run again: existing data is
    kept and only the demo users' password is renewed."""
    password = "Demo-" + secrets.token_urlsafe(9)
    units = _units()
    users = _users(units, password)
    created = 0
    if not demo_present():
        rng = random.Random(rng_seed)
        unit_names = [name for name, kind, _ in DEPARTMENTS if kind != "district"]
        next_number = _numbers()
        for plan in PLAN:
            outcomes = [rng.choice(ADVERSE[plan.kind]) for _ in range(plan.adverse)]
            outcomes += [rng.choice(NON_ADVERSE[plan.kind]) for _ in range(plan.count - plan.adverse)]
            rng.shuffle(outcomes)
            for outcome in outcomes:
                received, accepted, concluded = _dates(rng, plan)
                applicants, count = _applicants(rng)
                register_case(
                    {
                        "kind": plan.kind,
                        "number": next_number(plan.kind, plan.instance, plan.received_year),
                        "instance": plan.instance,
                        "respondent_unit_id": units[rng.choice(unit_names)].id,
                        "matter": rng.choice(list(rules.MATTERS)),
                        "applicants": applicants,
                        "applicant_count": count,
                        "received_on": received,
                        "accepted_on": accepted,
                        "concluded_on": concluded,
                        "outcome": outcome,
                        "summary": "",
                    },
                    SYSTEM,
                    today,
                )
                created += 1
        created += _current_cases(rng, units, unit_names, today, next_number)
        db.session.flush()
        staff = {username: accounts.find_user(username) for username in ("tiaojie", "sifaju")}
        _assign_handlers(rng, staff)
        _hearings(rng, today, staff["sifaju"])
        _mediations(rng, units, unit_names, today, staff["tiaojie"])
        _risk(today, units, staff)
        created += _compensation_claims(units, today, next_number)
    db.session.flush()
    return {"users": users, "password": password, "cases": created}


def _current_cases(rng, units, unit_names, today: date, next_number) -> int:
    """A few open cases received in the last weeks, so deadlines, reminders and the "due soon" filter have
    something to show on the day the demo is loaded."""
    count = 0
    for offset in (2, 4, 6, 9, 13, 18, 25, 33, 41, 55):
        for kind in (kinds.REVIEW, kinds.LITIGATION):
            received = today - timedelta(days=offset)
            applicants, applicant_count = _applicants(rng)
            data = {
                "kind": kind,
                "number": next_number(kind, "first" if kind == kinds.LITIGATION else None, today.year),
                "instance": "first" if kind == kinds.LITIGATION else None,
                "respondent_unit_id": units[rng.choice(unit_names)].id,
                "matter": rng.choice(list(rules.MATTERS)),
                "applicants": applicants,
                "applicant_count": applicant_count,
                "received_on": received,
                "summary": "",
            }
            if offset > 5:
                data["accepted_on"] = received + timedelta(days=2)
            if kind == kinds.LITIGATION:
                data["served_on"] = received
            register_case(data, SYSTEM, today)
            count += 1
    return count


#: 行政赔偿 claims (received, decided after so many days or None: open, outcome, yuan claimed, yuan granted). They
#: have their own figures and change none of review's or litigation's.
COMPENSATION_CLAIMS = (
    ((2020, 3, 9), 41, "granted", 12000, 12000),
    ((2020, 5, 18), 52, "partly_granted", 86000, 30500),
    ((2020, 7, 6), 38, "refused", 5000, None),
    ((2020, 9, 21), 47, "granted", 2400, 2400),
    ((2020, 11, 2), 55, "refused", 150000, None),
    ((2020, 12, 14), None, None, 9800, None),
)
#: This year's open claims, received so many days before the demo is loaded.
OPEN_CLAIM_AGES = ((9, 6800), (33, 25000), (52, 120000))


def _compensation_claims(units, today: date, next_number) -> int:
    """Claims over the years the demo covers, and a few open now, so the kind's deadline and figures show."""
    claims = [
        (date(*day), days, outcome, claimed, granted) for day, days, outcome, claimed, granted in COMPENSATION_CLAIMS
    ]
    claims += [(today - timedelta(days=age), None, None, claimed, None) for age, claimed in OPEN_CLAIM_AGES]
    for position, (received, days, outcome, claimed, granted) in enumerate(claims):
        decided = received + timedelta(days=days) if days else None
        register_case(
            {
                "kind": kinds.COMPENSATION,
                "number": next_number(kinds.COMPENSATION, None, received.year),
                "respondent_unit_id": units[("区公安分局", "区市场监管局", "富春街道")[position % 3]].id,
                "matter": ("enforcement", "penalty", "expropriation")[position % 3],
                "applicants": [{"name": f"赔偿请求人{position + 1}"}],
                "applicant_count": 1,
                "received_on": received,
                "accepted_on": received,
                "concluded_on": decided,
                "outcome": outcome,
                "amount_claimed_fen": kinds.fen(claimed),
                "amount_granted_fen": kinds.fen(granted),
                "summary": "",
            },
            SYSTEM,
            today,
        )
    return len(claims)


def _assign_handlers(rng: random.Random, staff: dict) -> None:
    for case in db.session.scalars(select(Case).where(Case.handler_id.is_(None))):
        case.handler_id = staff["sifaju" if case.kind == kinds.LITIGATION and rng.random() < 0.5 else "tiaojie"].id


#: 2020: 85 litigation cases had a hearing, a head appeared at 83 of them (2 absences with approved reasons).
HEARING_PLAN = {2019: (72, 61), 2020: (85, 83)}
COURTS = ["杭州市富阳区人民法院", "杭州市中级人民法院", "杭州铁路运输法院"]


def _hearing_day(rng: random.Random, case: Case, year: int) -> date | None:
    start = max(case.received_on + timedelta(days=20), date(year, 1, 2))
    end = min(case.concluded_on - timedelta(days=3) if case.concluded_on else date(year, 12, 28), date(year, 12, 28))
    return _random_day(rng, start, end) if start <= end else None


def _hearings(rng: random.Random, today: date, approver) -> None:
    from casetrack.hearings.models import Hearing

    litigation = list(db.session.scalars(select(Case).where(Case.kind == kinds.LITIGATION).order_by(Case.id)))
    for year, (required, appeared) in HEARING_PLAN.items():
        candidates = [(case, day) for case in litigation if (day := _hearing_day(rng, case, year))]
        chosen = rng.sample(candidates, required)
        for index, (case, day) in enumerate(chosen):
            attended = index < appeared
            unit = case.respondent_unit
            hearings = [
                Hearing(case=case, held_on=day, court=rng.choice(COURTS), courtroom=f"第{rng.randint(1, 9)}法庭")
            ]
            second = day + timedelta(days=14)
            if attended and rng.random() < 0.15 and second.year == year and (case.concluded_on or second) >= second:
                # A second hearing the head missed: the case still counts as appeared (one attended hearing is enough).
                hearings.append(Hearing(case=case, held_on=second, court=hearings[0].court))
            for number, hearing in enumerate(hearings):
                if attended and number == 0:
                    hearing.principal_name, hearing.principal_title = (
                        unit.head_name or "负责人",
                        rng.choice(["main", "main", "deputy"]),
                    )
                    hearing.appeared, hearing.spoke = True, rng.random() < 0.9
                else:
                    hearing.appeared, hearing.absence_reason = (
                        False,
                        "参加市委重要会议，已委托分管负责人以外的工作人员出庭",
                    )
                    hearing.absence_approved_by_id = approver.id
                db.session.add(hearing)
    # Upcoming hearings of open cases: some still without a named head, so the reminder has work to do.
    open_cases = [case for case in litigation if case.is_open and case.received_on > today - timedelta(days=60)]
    for offset, case in zip((1, 3, 5, 9, 12, 20), open_cases, strict=False):
        hearing = Hearing(case=case, held_on=today + timedelta(days=offset), court=COURTS[0], courtroom="第3法庭")
        if offset > 5:
            hearing.principal_name, hearing.principal_title = case.respondent_unit.head_name, "main"
        db.session.add(hearing)


#: 2020: 39 mediations concluded (36 succeeded, 3 failed) and 4 withdrawn, which the rate does not count.
MEDIATION_PLAN = {2019: (30, 24, 2), 2020: (39, 36, 4)}


def _mediations(rng: random.Random, units, unit_names, today: date, mediator) -> None:
    from casetrack.mediation.models import Mediation, MediationSession

    counter = 0
    for year, (concluded, succeeded, withdrawn) in MEDIATION_PLAN.items():
        results = ["succeeded"] * succeeded + ["failed"] * (concluded - succeeded) + ["withdrawn"] * withdrawn
        rng.shuffle(results)
        for result in results:
            counter += 1
            received = _random_day(rng, date(year, 1, 3), date(year, 10, 31))
            closed = min(received + timedelta(days=rng.randint(10, 50)), date(year, 12, 30))
            mediation = Mediation(
                number=f"富调〔{year}〕{counter}号",
                source=rng.choice(list(mediation_rules.SOURCES)),
                respondent_unit_id=units[rng.choice(unit_names)].id,
                mediator_id=mediator.id,
                parties=_person(rng),
                subject="征地补偿争议" if rng.random() < 0.5 else "行政处罚异议",
                received_on=received,
                status=result,
                concluded_on=closed,
                last_activity_on=closed,
                agreement_summary="双方达成和解，申请人撤回申请" if result == "succeeded" else None,
            )
            mediation.sessions.append(
                MediationSession(
                    held_on=received + timedelta(days=5), participants="双方当事人", notes="首次调解，听取双方意见"
                )
            )
            mediation.search_grams = mediation_rules.search_grams(
                mediation.number, mediation.parties, mediation.subject
            )
            db.session.add(mediation)
    # Open mediations now: one idle for over a month, so the work list and reminder show it.
    for number, days_ago in enumerate((3, 12, 45), start=1):
        received = today - timedelta(days=days_ago)
        parties = _person(rng)
        db.session.add(
            Mediation(
                search_grams=mediation_rules.search_grams(f"富调〔{today.year}〕{number}号", parties, "房屋征收补偿"),
                number=f"富调〔{today.year}〕{number}号",
                source="pre_filing",
                respondent_unit_id=units[rng.choice(unit_names)].id,
                mediator_id=mediator.id,
                parties=parties,
                subject="房屋征收补偿",
                received_on=received,
                status="open",
                last_activity_on=received,
            )
        )


def _risk(today: date, units, staff) -> None:
    """Score every open case, and walk one 富春街道 case into a working double task force."""
    from casetrack.risk import services as risk

    liaison = accounts.find_user("fuchun")
    case = register_case(
        {
            "kind": kinds.REVIEW,
            "number": f"富政复〔{today.year}〕88号",
            "respondent_unit_id": units["富春街道"].id,
            "matter": "expropriation",
            "applicants": [{"name": "周某某等7人"}],
            "applicant_count": 7,
            "received_on": today - timedelta(days=12),
            "accepted_on": today - timedelta(days=10),
            "summary": "征收补偿安置争议，申请人多次到区信访",
        },
        staff["tiaojie"],
        today,
    )
    risk.flag_case(case, "evidence_gap", "补偿评估报告未送达申请人", staff["tiaojie"], today)
    risk.rescore(today)
    risk_case = db.session.scalar(select(risk.RiskCase).where(risk.RiskCase.case_id == case.id))
    risk.confirm(risk_case, staff["sifaju"], legal_lead=staff["sifaju"], unit_lead=liaison)
    done = risk.add_item(
        risk_case,
        staff["sifaju"],
        text="调取并审查补偿评估全部材料",
        side="legal",
        owner=staff["sifaju"],
        due_on=today,
        today=today,
    )
    risk.complete_item(done, staff["sifaju"], done_on=today, evidence="评估材料已归档", today=today)
    risk.add_item(
        risk_case,
        staff["sifaju"],
        text="向申请人补充送达评估报告并组织听证",
        side="unit",
        owner=liaison,
        due_on=today + timedelta(days=10),
        today=today,
    )
