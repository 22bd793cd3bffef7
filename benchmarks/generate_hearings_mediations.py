"""Add hearings, mediations and reminder recipients to a data set made by benchmarks/generate.py (SPEC section 6).

    python benchmarks/generate_hearings_mediations.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench --fresh

What it adds (PostgreSQL only: rows go in through COPY):

* users, found again by user name on a re-run (password ``bench-password-1``, e-mail ``<name>@bench.example``):
  ``hm_mediator01``..``hm_mediator20`` (role mediator), ``hm_legal01``..``hm_legal30`` (role legal) and, with
  ``--liaisons-per-unit 1`` (the default), one liaison ``hm_liaison_<unit id>`` per unit, as a district would have;
* ``cases.handler_id`` of every open case set to one of the 50 mediator/legal users (they get deadline reminders);
* ``--hearings`` hearings (default 300,000) on accepted litigation cases, held between acceptance and conclusion
  (so spread 2016–2026 as the cases are), ``--upcoming`` (default 2,000) of them in the coming 30 days on open
  cases, about a third of those with no head named yet; past hearings are recorded: ~95 % appeared, the others
  absent with a reason (most approved by a legal user);
* ``--mediations`` mediations (default 200,000): ~3 % open (last activity spread so some are idle > 30 days),
  the rest succeeded/failed/withdrawn with ``concluded_on``; sources from casetrack.mediation.rules.SOURCES,
  during review/litigation ones linked to a case of that kind; numbers like 富调〔2020〕123号, unique; each with one
  of the 20 mediators; about one mediation_session per mediation on average.

``--fresh`` first empties hearings, mediation_sessions, mediations and notifications (TRUNCATE: all of them are
made by this script or by the reminder job, the case generator writes none). Without it the script refuses to add
to tables that already hold rows. Ends with VACUUM (ANALYZE) of the touched tables (cases included, so the
visibility map the case-list benchmarks rely on for index-only scans is whole again).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402  (the case generator: names, counties, units)
from sqlalchemy.engine import make_url  # noqa: E402

PASSWORD = generate.PASSWORD
START = generate.START
MEDIATORS = 20
LEGAL = 30
EMAIL_DOMAIN = "bench.example"

SOURCE_WEIGHTS = {"pre_filing": 55, "during_review": 20, "during_litigation": 15, "court_entrusted": 10}
CLOSED_WEIGHTS = {"succeeded": 55, "failed": 30, "withdrawn": 15}
SUBJECTS = (
    "征收补偿安置争议",
    "房屋征收补偿标准争议",
    "工伤认定争议",
    "行政处罚决定争议",
    "政府信息公开答复争议",
    "违法建筑拆除争议",
    "劳动保障监察投诉处理争议",
    "土地权属争议",
    "不动产登记争议",
    "市场监管投诉举报处理争议",
    "医疗保险待遇争议",
    "养老保险待遇争议",
    "最低生活保障争议",
    "道路交通事故认定争议",
    "行政许可不予办理争议",
    "环境污染处罚争议",
    "拖欠农民工工资投诉处理争议",
    "宅基地审批争议",
    "企业补助资金发放争议",
    "校外培训处罚争议",
)
AGREEMENTS = (
    "双方达成和解，被申请人重新核定补偿金额，申请人撤回申请",
    "被申请人补发相关待遇，申请人不再主张其他权利",
    "被申请人撤销原决定并重新作出处理",
    "双方同意按评估结果补偿，分两期支付",
    "申请人认可处理结果，自愿撤回",
)
ABSENCE_REASONS = (
    "主要负责人参加上级紧急会议，委托工作人员出庭",
    "负责人外出学习，经报批委托律师出庭",
    "负责人因病住院",
    "与防汛抗台应急值守冲突",
    "负责人赴外地招商，已书面说明",
    "人员调整期间负责人尚未到任",
)
SESSION_NOTES = (
    "听取双方意见，释法明理",
    "组织现场踏勘",
    "双方对补偿金额仍有分歧，约定再次调解",
    "被申请人提出补偿方案",
    "申请人提交补充材料",
    "背靠背调解，缩小分歧",
    "邀请人大代表、律师参与调解",
    "达成初步意向",
)
COURTROOMS = ("第一法庭", "第二法庭", "第三法庭", "第五法庭", "行政审判庭", "第八法庭", "远程视频庭")
STARTS = (dtime(9, 0), dtime(9, 30), dtime(10, 0), dtime(14, 0), dtime(14, 30), dtime(15, 0), None)

HEARING_COLUMNS = (
    "id",
    "case_id",
    "held_on",
    "starts_at",
    "court",
    "courtroom",
    "principal_name",
    "principal_title",
    "principal_named_at",
    "appeared",
    "spoke",
    "absence_reason",
    "absence_approved_by_id",
    "absence_approved_at",
    "recorded_at",
    "version",
    "created_at",
)
MEDIATION_COLUMNS = (
    "id",
    "number",
    "case_id",
    "source",
    "respondent_unit_id",
    "mediator_id",
    "parties",
    "subject",
    "received_on",
    "status",
    "concluded_on",
    "agreement_summary",
    "last_activity_on",
    "version",
    "created_at",
    "created_by_id",
)
SESSION_COLUMNS = ("id", "mediation_id", "held_on", "participants", "notes", "recorded_by_id", "created_at")

log = generate.log


def local_today() -> date:
    from casetrack.clock import local_today as today

    return today()


def at(day: date, hour: int, rng: random.Random) -> datetime:
    return datetime.combine(day, dtime(hour, 0), tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 240))


def pick_weighted(rng: random.Random, weights: dict):
    return generate.weighted(rng, weights)


# --- users ------------------------------------------------------------------------------------------------------


def ensure_users(conn, gen: generate.Generator, unit_ids: list[int], liaisons_per_unit: int) -> dict[str, list[int]]:
    from casetrack.accounts.services import hash_password

    password_hash = hash_password(PASSWORD)
    wanted = []
    for n in range(1, MEDIATORS + 1):
        wanted.append((f"hm_mediator{n:02d}", "调解中心 " + gen.person_name(), "mediator", None))
    for n in range(1, LEGAL + 1):
        wanted.append((f"hm_legal{n:02d}", "司法局 " + gen.person_name(), "legal", None))
    for unit_id in unit_ids:
        for n in range(liaisons_per_unit):
            suffix = "" if n == 0 else f"_{n + 1}"
            wanted.append((f"hm_liaison_{unit_id}{suffix}", "联络员 " + gen.person_name(), "unit", unit_id))
    ids: dict[str, list[int]] = {"mediator": [], "legal": [], "unit": []}
    with conn.cursor() as cur:
        for username, display, role, unit_id in wanted:
            cur.execute(
                "INSERT INTO users (username, display_name, role, unit_id, email, password_hash, active, locale) "
                "VALUES (%s, %s, %s, %s, %s, %s, true, NULL) "
                "ON CONFLICT (username) DO UPDATE SET role = EXCLUDED.role, unit_id = EXCLUDED.unit_id, "
                "email = EXCLUDED.email, active = true RETURNING id",
                (username, display, role, unit_id, f"{username}@{EMAIL_DOMAIN}", password_hash),
            )
            ids[role].append(cur.fetchone()[0])
    return ids


# --- hearings ---------------------------------------------------------------------------------------------------

COURT_RE_FIRST = re.compile(r"浙(\d{4})行初")
COURT_RE_SECOND = re.compile(r"浙(\d{2})行终")


def court_of(number: str, courts: dict[str, str]) -> str:
    match = COURT_RE_FIRST.search(number)
    if match:
        return courts.get(match.group(1), "人民法院")
    match = COURT_RE_SECOND.search(number)
    if match:
        return generate.CITY_NAMES.get(match.group(1), "") + "市中级人民法院"
    return "人民法院"


def hearing_rows(conn, gen: generate.Generator, total: int, upcoming: int, legal_ids: list[int], today: date):
    rng = gen.rng
    courts = {code: name + "人民法院" for name, code in generate.COUNTIES}
    rows = conn.execute(
        "SELECT id, number, status, accepted_on, concluded_on FROM cases "
        "WHERE kind = 'litigation' AND accepted_on IS NOT NULL "
        "AND (outcome IS NULL OR outcome NOT IN ('withdrawn', 'suit_dismissed'))"
    ).fetchall()
    open_cases = [r for r in rows if r[2] != "concluded"]
    # a past hearing needs at least a day between acceptance and conclusion (or yesterday)
    # A past hearing needs at least a day between acceptance and conclusion (or yesterday). An open case is less
    # likely to have been heard yet the more recently it was accepted (courts sit some months after filing).
    past_cases = [
        r
        for r in rows
        if ((r[4] or today) - r[3]).days >= 2
        and (r[4] is not None or rng.random() < min(1.0, (today - r[3]).days / 240) * 0.7)
    ]
    log(
        f"hearings: {len(rows):,} accepted litigation cases ({len(open_cases):,} open); "
        f"{len(past_cases):,} of them can have had a hearing already"
    )
    upcoming = min(upcoming, total)
    result = []
    hid = 0

    def weekday(day: date) -> date:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    # coming 30 days: open cases only; the nearer the hearing, the likelier the head is named already
    for _ in range(upcoming):
        case_id, number, _status, accepted, _concluded = rng.choice(open_cases)
        held = today + timedelta(days=rng.randrange(0, 30))
        if held.weekday() >= 5:
            held -= timedelta(days=held.weekday() - 4)  # Sat/Sun -> Fri, stays in the window
            if held < today:
                held = today
        named = rng.random() < (0.75 if (held - today).days <= 7 else 0.5)
        hid += 1
        name = gen.person_name() if named else None
        result.append(
            (
                hid,
                case_id,
                held,
                rng.choice(STARTS),
                court_of(number, courts),
                rng.choice(COURTROOMS),
                name,
                rng.choice(("main", "deputy", "deputy", "deputy", "other")) if named else None,
                at(held - timedelta(days=rng.randrange(3, 20)), 1, rng) if named else None,
                None,
                None,
                None,
                None,
                None,
                None,
                1,
                at(max(accepted, today - timedelta(days=40)), 1, rng),
            )
        )
    # The base data set's open (and just-concluded) cases crowd into its last months, which would pile their
    # hearings into the current month; a monthly quota keeps the courts' pace steady (1.25 x the mean month).
    months = (today.year - START.year) * 12 + today.month - START.month + 1
    quota = int(1.25 * (total - upcoming) / months) + 1
    per_month: dict[tuple[int, int], int] = {}
    made = 0
    while made < total - upcoming:
        case_id, number, _status, accepted, concluded = rng.choice(past_cases)
        last = (concluded or today) - timedelta(days=1)
        first = accepted + timedelta(days=min(20, max(0, (last - accepted).days - 1)))
        held = weekday(first + timedelta(days=rng.randrange(0, (last - first).days + 1)))
        if held > last:
            held = last
        month = (held.year, held.month)
        if per_month.get(month, 0) >= quota:
            continue
        per_month[month] = per_month.get(month, 0) + 1
        made += 1
        hid += 1
        title = rng.choice(("main", "deputy", "deputy", "deputy", "other"))
        if rng.random() < 0.95:
            appeared, spoke, reason, approver, approved_at = True, rng.random() < 0.85, None, None, None
            name = gen.person_name()
        else:
            appeared, spoke = False, None
            name = gen.person_name() if rng.random() < 0.3 else None
            title = title if name else None
            reason = rng.choice(ABSENCE_REASONS)
            approver = rng.choice(legal_ids) if rng.random() < 0.8 else None
            approved_at = at(held + timedelta(days=rng.randrange(1, 10)), 2, rng) if approver else None
        result.append(
            (
                hid,
                case_id,
                held,
                rng.choice(STARTS),
                court_of(number, courts),
                rng.choice(COURTROOMS),
                name,
                title,
                at(held - timedelta(days=rng.randrange(3, 20)), 1, rng) if name else None,
                appeared,
                spoke,
                reason,
                approver,
                approved_at,
                at(held + timedelta(days=rng.randrange(0, 5)), 3, rng),
                1,
                at(max(accepted, held - timedelta(days=60)), 1, rng),
            )
        )
    return result


# --- mediations -------------------------------------------------------------------------------------------------


def mediation_rows(
    conn,
    gen: generate.Generator,
    total: int,
    open_share: float,
    mediator_ids: list[int],
    today: date,
    unit_prefix: dict[int, str],
):
    rng = gen.rng
    cases = {"review": {"open": [], "all": []}, "litigation": {"open": [], "all": []}}
    for case_id, kind, status, unit_id, received, concluded in conn.execute(
        "SELECT id, kind, status, respondent_unit_id, received_on, concluded_on FROM cases"
    ):
        pool = cases[kind]
        row = (case_id, unit_id, received, concluded)
        pool["all"].append(row)
        if status != "concluded":
            pool["open"].append(row)
    unit_pick = pick_weighted(rng, {str(u["id"]): u["weight"] for u in gen.units})
    source_pick = pick_weighted(rng, SOURCE_WEIGHTS)
    closed_pick = pick_weighted(rng, CLOSED_WEIGHTS)
    # a few mediators carry more of the load than others
    mediator_pick = pick_weighted(rng, {str(m): 1 / (i**0.4) for i, m in enumerate(mediator_ids, start=1)})
    span = (today - timedelta(days=7) - START).days
    staged = []
    for _ in range(total):
        is_open = rng.random() < open_share
        source = source_pick()
        case_id = None
        if source == "pre_filing":
            unit_id = int(unit_pick())
            if is_open:
                received = today - timedelta(days=min(int(rng.expovariate(1 / 60)), 400))
            else:
                received = START + timedelta(days=int(span * rng.random() ** 0.85))
        else:
            pool = cases["review" if source == "during_review" else "litigation"]
            case_id, unit_id, case_received, case_concluded = rng.choice(pool["open"] if is_open else pool["all"])
            end = case_concluded or today
            received = case_received + timedelta(days=rng.randrange(0, max(1, min(60, (end - case_received).days))))
            if received > today:
                received = today
        mediator = int(mediator_pick())
        if is_open:
            status, concluded, agreement = "open", None, None
            last_activity = max(received, today - timedelta(days=int(rng.expovariate(1 / 35))))
        else:
            status = closed_pick()
            concluded = min(today - timedelta(days=1), received + timedelta(days=rng.randrange(3, 120)))
            if concluded < received:
                concluded = received
            agreement = rng.choice(AGREEMENTS) if status == "succeeded" else None
            last_activity = concluded
        n_parties = 1 if rng.random() < 0.85 else rng.randrange(2, 4)
        county = gen.units[unit_id - 1]["county"] if unit_id <= len(gen.units) else 0
        parties = "、".join(
            gen.company_name(county) if rng.random() < 0.15 else gen.person_name() for _ in range(n_parties)
        )
        subject = rng.choice(SUBJECTS)
        if rng.random() < 0.5:
            subject = f"{parties.split('、')[0]}与被申请人{subject}"
        staged.append(
            [
                received,
                case_id,
                source,
                unit_id,
                mediator,
                parties,
                subject,
                status,
                concluded,
                agreement,
                last_activity,
            ]
        )
    staged.sort(key=lambda m: m[0])
    counters: dict[tuple, int] = {}
    mediations, sessions = [], []
    sid = 0
    for mid, (
        received,
        case_id,
        source,
        unit_id,
        mediator,
        parties,
        subject,
        status,
        concluded,
        agreement,
        last_activity,
    ) in enumerate(staged, start=1):
        prefix = unit_prefix.get(unit_id, "调")
        key = (prefix, received.year)
        counters[key] = counters.get(key, 0) + 1
        number = f"{prefix}〔{received.year}〕{counters[key]}号"
        mediations.append(
            (
                mid,
                number,
                case_id,
                source,
                unit_id,
                mediator,
                parties,
                subject,
                received,
                status,
                concluded,
                agreement,
                last_activity,
                1,
                at(received, 1, rng),
                mediator,
            )
        )
        r = rng.random()
        n_sessions = 0 if r < 0.3 else 1 if r < 0.75 else 2 if r < 0.95 else 3
        if last_activity <= received:
            n_sessions = 0
        window = (last_activity - received).days
        days_ = sorted(rng.randrange(1, window + 1) for _ in range(n_sessions - 1)) if n_sessions > 1 else []
        for offset in days_ + ([window] if n_sessions else []):
            sid += 1
            held = received + timedelta(days=offset)
            sessions.append(
                (sid, mid, held, parties + "、被申请人代理人", rng.choice(SESSION_NOTES), mediator, at(held, 8, rng))
            )
    return mediations, sessions


# --- main -------------------------------------------------------------------------------------------------------


def copy_rows(conn, table: str, columns: tuple, rows: list[tuple]) -> None:
    started = time.perf_counter()
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    log(f"  {table}: {len(rows):,} rows in {time.perf_counter() - started:.1f}s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--hearings", type=int, default=300_000)
    parser.add_argument("--upcoming", type=int, default=2_000, help="hearings in the coming 30 days")
    parser.add_argument("--mediations", type=int, default=200_000)
    parser.add_argument("--open-share", type=float, default=0.03, help="share of mediations still open")
    parser.add_argument(
        "--liaisons-per-unit",
        type=int,
        default=1,
        help="unit liaison users (with e-mail) per unit; they get hearing and litigation reminders",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="empty hearings, mediation_sessions, mediations and notifications first"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    url = make_url(args.database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("this generator writes with COPY: PostgreSQL only")
    import psycopg

    started_all = time.perf_counter()
    today = local_today()
    conn = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    conn.execute("SET session_replication_role = replica")  # consistent by construction: skip FK triggers
    conn.execute("SET maintenance_work_mem = '256MB'")

    cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    if not cases:
        raise SystemExit("no cases: run benchmarks/generate.py first")
    existing = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("hearings", "mediations", "mediation_sessions", "notifications")
    }
    if args.fresh:
        conn.execute("TRUNCATE hearings, mediation_sessions, mediations, notifications RESTART IDENTITY")
        log("emptied " + ", ".join(f"{t} ({n:,})" for t, n in existing.items()))
    elif any(existing.values()):
        raise SystemExit("already holds " + ", ".join(f"{t} {n:,}" for t, n in existing.items() if n) + ": use --fresh")

    gen = generate.Generator(args.seed, today)
    db_units = dict(conn.execute("SELECT id, name FROM units").fetchall())
    matches = sum(1 for u in gen.units if db_units.get(u["id"]) == u["name"])
    if matches != len(gen.units):
        log(f"note: only {matches} of {len(gen.units)} units match generate.py's; unit weights are approximate")
    unit_prefix = {}
    for u in gen.units:
        unit_prefix[u["id"]] = generate.COUNTIES[u["county"]][0][0] + "调"
    for unit_id, name in db_units.items():
        unit_prefix.setdefault(unit_id, name[0] + "调")

    users = ensure_users(conn, gen, sorted(db_units), args.liaisons_per_unit)
    handlers = users["mediator"] + users["legal"]
    log(
        f"users: {len(users['mediator'])} mediators, {len(users['legal'])} legal, {len(users['unit'])} liaisons "
        f"(password {PASSWORD}, e-mail <username>@{EMAIL_DOMAIN})"
    )

    t0 = time.perf_counter()
    updated = conn.execute(
        "UPDATE cases SET handler_id = (%s::int[])[1 + ((id::bigint * 7919) %% %s)::int] WHERE status <> 'concluded' "
        "AND handler_id IS DISTINCT FROM (%s::int[])[1 + ((id::bigint * 7919) %% %s)::int]",
        (handlers, len(handlers), handlers, len(handlers)),
    ).rowcount
    log(f"handler_id set on {updated:,} open cases in {time.perf_counter() - t0:.1f}s")

    t0 = time.perf_counter()
    hearings = hearing_rows(conn, gen, args.hearings, args.upcoming, users["legal"], today)
    log(f"generated {len(hearings):,} hearings in {time.perf_counter() - t0:.1f}s")
    copy_rows(conn, "hearings", HEARING_COLUMNS, hearings)
    soon = [h for h in hearings if today <= h[2] <= today + timedelta(days=30)]
    soon_unnamed7 = sum(1 for h in soon if h[6] is None and h[2] <= today + timedelta(days=7))
    absent = sum(1 for h in hearings if h[9] is False)
    years = {}
    for h in hearings:
        years[h[2].year] = years.get(h[2].year, 0) + 1
    del hearings

    t0 = time.perf_counter()
    mediations, sessions = mediation_rows(
        conn, gen, args.mediations, args.open_share, users["mediator"], today, unit_prefix
    )
    log(f"generated {len(mediations):,} mediations, {len(sessions):,} sessions in {time.perf_counter() - t0:.1f}s")
    copy_rows(conn, "mediations", MEDIATION_COLUMNS, mediations)
    copy_rows(conn, "mediation_sessions", SESSION_COLUMNS, sessions)
    open_m = [m for m in mediations if m[9] == "open"]
    idle = sum(1 for m in open_m if (today - m[12]).days >= 30)
    by_status = {}
    for m in mediations:
        by_status[m[9]] = by_status.get(m[9], 0) + 1
    del mediations, sessions

    for table in ("hearings", "mediations", "mediation_sessions", "users", "notifications"):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    conn.commit()
    conn.autocommit = True
    t0 = time.perf_counter()
    conn.execute("VACUUM (ANALYZE) cases, users, hearings, mediations, mediation_sessions, notifications")
    log(f"VACUUM (ANALYZE) in {time.perf_counter() - t0:.1f}s")
    conn.close()

    log("hearings by year: " + ", ".join(f"{y} {n:,}" for y, n in sorted(years.items())))
    log(
        f"hearings in the coming 30 days: {len(soon):,} ({soon_unnamed7} within 7 days with no head named); "
        f"absent (reason given): {absent:,}"
    )
    log(
        "mediations: "
        + ", ".join(f"{s} {n:,}" for s, n in sorted(by_status.items()))
        + f"; open and idle >= 30 days: {idle:,}"
    )
    log(f"done in {time.perf_counter() - started_all:.0f}s")


if __name__ == "__main__":
    main()
