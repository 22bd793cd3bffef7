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
from casetrack.cases import rules
from casetrack.cases.models import Case
from casetrack.cases.services import register_case
from casetrack.extensions import db

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
    CohortPlan("review", 2018, 2019, 7, adverse=5),
    CohortPlan("review", 2019, 2019, 80, adverse=45),
    CohortPlan("review", 2019, 2020, 38, adverse=3),
    CohortPlan("review", 2020, 2020, 67, adverse=6),
    CohortPlan("review", 2020, 2021, 27, adverse=2),
    # litigation, first instance: 2019 received 130, concluded 143 (37 lost); 2020 received 111, concluded 124 (11 lost)
    CohortPlan("litigation", 2018, 2019, 38, adverse=10, instance="first"),
    CohortPlan("litigation", 2019, 2019, 105, adverse=27, instance="first"),
    CohortPlan("litigation", 2019, 2020, 25, adverse=3, instance="first"),
    CohortPlan("litigation", 2020, 2020, 99, adverse=8, instance="first"),
    CohortPlan("litigation", 2020, 2021, 12, adverse=1, instance="first"),
    # second instance appeals: their own cases, outside every first-instance figure
    CohortPlan("litigation", 2019, 2019, 14, adverse=2, instance="second"),
    CohortPlan("litigation", 2020, 2020, 17, adverse=3, instance="second"),
]

NON_ADVERSE = {
    "review": ["upheld", "upheld", "rejected", "terminated", "mediated"],
    "litigation": ["claim_rejected", "claim_rejected", "withdrawn", "suit_dismissed", "mediated"],
}
ADVERSE = {"review": sorted(rules.CORRECTED_OUTCOMES), "litigation": sorted(rules.LOST_OUTCOMES)}


def demo_present() -> bool:
    return db.session.scalar(select(func.count(Case.id)).where(Case.number.like("%富政复%"))) > 0


def _units() -> dict[str, Unit]:
    units = {}
    for name, kind, head in DEPARTMENTS:
        unit = accounts.find_unit(name) or accounts.save_unit(None, None, name=name, kind=kind, head_name=head)
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
                None,
                unit=units.get(unit_name),
                email=f"{username}@demo.example.com",
                display_name=display,
                password_hash=password_hash,
            )
        else:
            user.password_hash = password_hash
            accounts.set_active(user, True, None)
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
        if kind == "review":
            return f"富政复〔{year}〕{n}号"
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
                    None,
                    today,
                )
                created += 1
        created += _current_cases(rng, units, unit_names, today, next_number)
    db.session.flush()
    return {"users": users, "password": password, "cases": created}


def _current_cases(rng, units, unit_names, today: date, next_number) -> int:
    """A few open cases received in the last weeks, so deadlines, reminders and the "due soon" filter have
    something to show on the day the demo is loaded."""
    count = 0
    for offset in (2, 4, 6, 9, 13, 18, 25, 33, 41, 55):
        for kind in ("review", "litigation"):
            received = today - timedelta(days=offset)
            applicants, applicant_count = _applicants(rng)
            data = {
                "kind": kind,
                "number": next_number(kind, "first" if kind == "litigation" else None, today.year),
                "instance": "first" if kind == "litigation" else None,
                "respondent_unit_id": units[rng.choice(unit_names)].id,
                "matter": rng.choice(list(rules.MATTERS)),
                "applicants": applicants,
                "applicant_count": applicant_count,
                "received_on": received,
                "summary": "",
            }
            if offset > 5:
                data["accepted_on"] = received + timedelta(days=2)
            if kind == "litigation":
                data["served_on"] = received
            register_case(data, None, today)
            count += 1
    return count
