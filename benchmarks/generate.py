"""Generate a province-sized casetrack data set for benchmarking (SPEC section 6).

    python benchmarks/generate.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench --fresh
    python benchmarks/generate.py --database-url sqlite:////work/main/benchmarks/out/bench.sqlite3 --fresh --cases 20000

The schema comes from the real migrations (Flask-Migrate ``upgrade()``).  Rows are then written in bulk:
PostgreSQL through COPY, SQLite through ``executemany`` in large transactions.  While loading, the secondary
indexes the migrations made are dropped and afterwards re-created from their own definitions (so the final
schema is exactly the migrated one), and on PostgreSQL foreign-key triggers are skipped
(``session_replication_role = replica``): the data is consistent by construction.  Finally VACUUM (ANALYZE) on
PostgreSQL, ANALYZE on SQLite only with ``--sqlite-analyze`` (the app itself never runs it).

Every user's password is ``bench-password-1``; users: bench_admin, bench_legal, bench_mediator, bench_leader
and bench_unit (a liaison of the unit with the most cases).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from casetrack import ciphers  # noqa: E402

PASSWORD = "bench-password-1"
BENCH_USERS = [
    # username, role, display name; the unit user gets the busiest unit
    ("bench_admin", "admin", "系统管理员"),
    ("bench_legal", "legal", "司法局 刘洋"),
    ("bench_mediator", "mediator", "调解中心 张敏"),
    ("bench_leader", "leader", "区领导 许正"),
    ("bench_unit", "unit", "联络员 赵静"),
]
START = date(2016, 1, 1)

# --- geography: Zhejiang county-level divisions (name, court code) ------------------------------------------
COUNTIES = [
    ("上城区", "0102"),
    ("拱墅区", "0105"),
    ("西湖区", "0106"),
    ("滨江区", "0108"),
    ("萧山区", "0109"),
    ("余杭区", "0110"),
    ("富阳区", "0111"),
    ("临安区", "0112"),
    ("临平区", "0113"),
    ("钱塘区", "0114"),
    ("桐庐县", "0122"),
    ("淳安县", "0127"),
    ("建德市", "0182"),
    ("海曙区", "0203"),
    ("江北区", "0205"),
    ("北仑区", "0206"),
    ("镇海区", "0211"),
    ("鄞州区", "0212"),
    ("奉化区", "0213"),
    ("象山县", "0225"),
    ("宁海县", "0226"),
    ("余姚市", "0281"),
    ("慈溪市", "0282"),
    ("鹿城区", "0302"),
    ("龙湾区", "0303"),
    ("瓯海区", "0304"),
    ("洞头区", "0305"),
    ("永嘉县", "0324"),
    ("平阳县", "0326"),
    ("苍南县", "0327"),
    ("文成县", "0328"),
    ("泰顺县", "0329"),
    ("瑞安市", "0381"),
    ("乐清市", "0382"),
    ("南湖区", "0402"),
    ("秀洲区", "0411"),
    ("嘉善县", "0421"),
    ("海盐县", "0424"),
    ("海宁市", "0481"),
    ("平湖市", "0482"),
    ("桐乡市", "0483"),
    ("吴兴区", "0502"),
    ("南浔区", "0503"),
    ("德清县", "0521"),
    ("长兴县", "0522"),
    ("安吉县", "0523"),
    ("越城区", "0602"),
    ("柯桥区", "0603"),
    ("上虞区", "0604"),
    ("新昌县", "0624"),
    ("诸暨市", "0681"),
    ("嵊州市", "0683"),
]
CITY_NAMES = {"01": "杭州", "02": "宁波", "03": "温州", "04": "嘉兴", "05": "湖州", "06": "绍兴"}
# (suffix, kind, weight: how many cases it draws relative to an ordinary department)
DEPARTMENTS = [
    ("人民政府", "district", 3.0),
    ("公安分局", "department", 2.5),
    ("市场监督管理局", "department", 2.0),
    ("人力资源和社会保障局", "department", 1.5),
    ("住房和城乡建设局", "department", 1.2),
    ("综合行政执法局", "department", 1.5),
    ("自然资源和规划分局", "department", 1.5),
    ("生态环境分局", "department", 0.8),
    ("卫生健康局", "department", 0.6),
    ("交通运输局", "department", 0.8),
    ("教育局", "department", 0.4),
    ("民政局", "department", 0.3),
    ("农业农村局", "department", 0.5),
    ("应急管理局", "department", 0.4),
    ("医疗保障局", "department", 0.4),
]
TOWN_SYLLABLES = "东西南北新金银富春江湖山石桥塘溪湾港林桂柳安平永宁和兴华龙凤鹿洞场万临江三河里仁义礼智"
TOWN_SUFFIXES = ("街道", "镇", "镇", "乡")

# --- people ---------------------------------------------------------------------------------------------------
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红波鑫玲斌宇浩凯健俊帆帅旭宁晨阳婷雪琳晶颖倩"
    "欣怡佳雨萱梓涵子轩文博昊天思远嘉豪一鸣晓东海燕立新永明卫东德福金凤玉梅春生荣发长林小龙爱华淑珍桂芝"
)
COMPANY_WORDS = "富鑫瑞丰恒达华泰盛隆永安新锐宏远天成博通金源鼎信中兴汇联顺和嘉禾"
INDUSTRIES = (
    "建材",
    "纸业",
    "餐饮",
    "物流",
    "置业",
    "农业",
    "科技",
    "贸易",
    "纺织",
    "机械",
    "食品",
    "商贸",
    "装饰",
    "化工",
)
COMPANY_SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "专业合作社", "商行", "厂")
SUMMARY_TEMPLATES = (
    "不服{unit}作出的{matter}决定",
    "请求撤销{unit}的{matter}行为",
    "要求{unit}履行法定职责",
    "对{unit}{matter}行为不服，申请{remedy}",
    "{unit}未在法定期限内答复，申请{remedy}",
)

MATTER_WEIGHTS = {
    "penalty": 26,
    "enforcement": 8,
    "expropriation": 10,
    "licensing": 7,
    "information_disclosure": 18,
    "inaction": 9,
    "complaint_handling": 9,
    "confirmation": 7,
    "other": 6,
}
REVIEW_OUTCOME_WEIGHTS = {
    "upheld": 45,
    "rejected": 14,
    "revoked": 8,
    "varied": 1,
    "confirmed_illegal": 7,
    "confirmed_invalid": 1,
    "ordered_to_perform": 3,
    "terminated": 15,
    "mediated": 6,
}
LITIGATION_OUTCOME_WEIGHTS = {
    "claim_rejected": 48,
    "revoked": 6,
    "varied": 1,
    "confirmed_illegal": 8,
    "confirmed_invalid": 1,
    "ordered_to_perform": 3,
    "compensation": 1,
    "withdrawn": 17,
    "mediated": 3,
    "suit_dismissed": 12,
}

CASE_COLUMNS = (
    "id",
    "kind",
    "number",
    "instance",
    "procedure",
    "respondent_unit_id",
    "applicant_count",
    "matter",
    "summary",
    "status",
    "received_on",
    "accepted_on",
    "copy_sent_on",
    "answer_received_on",
    "served_on",
    "defence_filed_on",
    "declined_on",
    "concluded_on",
    "outcome",
    "extension_days",
    "extension_approved_by",
    "extension_approved_on",
    "next_deadline_on",
    "next_deadline_code",
    "search_text",
    "version",
    "created_at",
    "updated_at",
    "created_by_id",
)
APPLICANT_COLUMNS = ("id", "case_id", "position", "name", "kind", "id_number_sealed", "id_number_digest")
CHUNK = 50_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- database preparation ---------------------------------------------------------------------------------------


def prepare_database(url: str, fresh: bool) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        if fresh:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if not fresh:
        return
    import psycopg

    name = parsed.database
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: --fresh only drops databases with 'bench' in the name")
    server = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"database {name} recreated")


def make_app(url: str):
    from casetrack import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})


def migrate_schema(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    log("schema migrated")


# --- the data -------------------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(seed)
        self.today = today
        self.units = self._units()
        self.number_counters: dict[tuple, int] = {}
        # Common surnames are much more common (王 李 张 ~7% each, as in the census): a Zipf-like weighting.
        self.surname_pick = weighted(self.rng, {s: 1 / (rank**0.6) for rank, s in enumerate(SURNAMES, start=1)})

    def _units(self) -> list[dict]:
        rng = random.Random(7)
        units: list[dict] = []
        names: set[str] = set()
        per_county = math.ceil(500 / len(COUNTIES))  # 10 for 52 counties
        for county_index, (county, _court) in enumerate(COUNTIES):
            departments = DEPARTMENTS[:1] + rng.sample(DEPARTMENTS[1:], per_county - 4)
            for suffix, kind, weight in departments:
                units.append({"name": county + suffix, "kind": kind, "weight": weight, "county": county_index})
            towns = 0
            while towns < 3:
                name = county[:2] + "".join(rng.sample(TOWN_SYLLABLES, 2)) + rng.choice(TOWN_SUFFIXES)
                if name in names:
                    continue
                names.add(name)
                units.append({"name": name, "kind": "town", "weight": 0.7, "county": county_index})
                towns += 1
        units = units[:500]
        # Some units draw many more cases than others (a big district's police vs a small county's civil affairs).
        county_size = [rng.uniform(0.4, 2.0) for _ in COUNTIES]
        for index, unit in enumerate(units):
            unit["id"] = index + 1
            unit["weight"] *= county_size[unit["county"]]
            unit["head_name"] = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        return units

    # names ---------------------------------------------------------------------------------------------------
    def person_name(self) -> str:
        rng = self.rng
        surname = self.surname_pick()
        given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
        return surname + given

    def company_name(self, county: int) -> str:
        rng = self.rng
        place = rng.choice((COUNTIES[county][0][:2], CITY_NAMES[COUNTIES[county][1][:2]]))
        return (
            place
            + rng.choice(COMPANY_WORDS)
            + rng.choice(COMPANY_WORDS)
            + rng.choice(INDUSTRIES)
            + rng.choice(COMPANY_SUFFIXES)
        )

    def person_id(self, county: int) -> str:
        rng = self.rng
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
        body = "33" + COUNTIES[county][1] + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
        return body + check

    def credit_code(self) -> str:
        rng = self.rng
        return "9133" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(14))

    # numbers -------------------------------------------------------------------------------------------------
    def next_seq(self, key: tuple) -> int:
        seq = self.number_counters.get(key, 0) + 1
        self.number_counters[key] = seq
        return seq

    def number(self, kind: str, instance: str | None, county: int, year: int) -> str:
        name, court = COUNTIES[county]
        if kind == "review":
            prefix = name[0] + "政复"
            return f"{prefix}〔{year}〕{self.next_seq(('r', prefix, year))}号"
        if instance == "second":
            city = court[:2]
            return f"({year})浙{city}行终{self.next_seq(('l2', city, year))}号"
        return f"({year})浙{court}行初{self.next_seq(('l1', court, year))}号"


def weighted(rng: random.Random, weights: dict[str, float]):
    keys, cum = list(weights), []
    total = 0.0
    for key in keys:
        total += weights[key]
        cum.append(total)
    import bisect

    def pick() -> str:
        return keys[bisect.bisect_right(cum, rng.random() * total)]

    return pick


def generate_rows(
    gen: Generator,
    count: int,
    creator_id: int | None,
    calendar,
    handler_ids: tuple | None = None,
    with_grams: bool = False,
    with_number_key: bool = False,
):
    """Yield (case row, [applicant rows]) with case ids 1..count, in received order roughly random."""
    from casetrack.cases import rules

    rng, today = gen.rng, gen.today
    units = gen.units
    unit_pick = weighted(rng, {str(u["id"]): u["weight"] for u in units})
    matter_pick = weighted(rng, MATTER_WEIGHTS)
    review_outcome = weighted(rng, REVIEW_OUTCOME_WEIGHTS)
    litigation_outcome = weighted(rng, LITIGATION_OUTCOME_WEIGHTS)
    matter_terms = {v: k for k, v in rules.MATTER_TERMS.items()}
    span = (today - timedelta(days=30) - START).days
    applicant_id = 0
    days = timedelta
    for case_id in range(1, count + 1):
        unit = units[int(unit_pick()) - 1]
        county = unit["county"]
        kind = "review" if rng.random() < 0.45 else "litigation"
        instance = None if kind == "review" else ("first" if rng.random() < 0.9 else "second")
        procedure = "simple" if kind == "review" and rng.random() < 0.12 else "normal"
        matter = matter_pick()
        is_open = rng.random() < 0.10
        accepted = copy_sent = answer = served = defence = concluded = None
        outcome = ext_days = ext_by = ext_on = None
        if is_open:
            # Open cases are mostly recent; a tail of old ones is the backlog the deadline filters exist for.
            received = today - days(days=min(int(rng.expovariate(1 / 70)), 1500))
            if received < START:
                received = START
            status = "accepted" if rng.random() < 0.8 else "received"
            if kind == "review" and status == "received":
                received = today - days(days=rng.randrange(0, 12))
            if status == "accepted":
                accepted = min(today, received + days(days=rng.randrange(0, 6)))
                if kind == "review":
                    r = rng.random()
                    if r < 0.85:
                        copy_sent = min(today, accepted + days(days=rng.randrange(1, 8)))
                        if r < 0.75:
                            answer = min(today, copy_sent + days(days=rng.randrange(3, 14)))
                else:
                    if instance == "second" or rng.random() < 0.8:
                        served = min(today, accepted + days(days=rng.randrange(2, 12)))
                        if instance == "first" and rng.random() < 0.85:
                            defence = min(today, served + days(days=rng.randrange(3, 15)))
            elif kind == "litigation" and instance == "second":
                served = min(today, received + days(days=rng.randrange(2, 10)))
        else:
            received = START + days(days=int(span * rng.random() ** 0.85))
            status = "concluded"
            accepted = received + days(days=rng.randrange(0, 6))
            if kind == "review":
                copy_sent = accepted + days(days=rng.randrange(1, 8))
                answer = copy_sent + days(days=rng.randrange(3, 14))
                limit = 30 if procedure == "simple" else 60
                if procedure == "normal" and rng.random() < 0.05:
                    ext_days = 30
                    limit += 30
                    ext_by = "复议机构负责人 " + gen.person_name()
                    ext_on = accepted + days(days=50)
                concluded = accepted + days(days=rng.randrange(10, limit + 8))
                outcome = review_outcome()
            else:
                served = accepted + days(days=rng.randrange(2, 12))
                defence = served + days(days=rng.randrange(3, 16))
                concluded = accepted + days(days=rng.randrange(20, 200 if instance == "first" else 100))
                outcome = litigation_outcome()
            if concluded > today:
                concluded = today
            copy_sent = min(copy_sent, concluded) if copy_sent else None
            answer = min(answer, concluded) if answer else None
            served = min(served, concluded) if served else None
            defence = min(defence, concluded) if defence else None
            ext_on = min(ext_on, concluded) if ext_on else None
        year = received.year
        number = gen.number(kind, instance, county, year)

        # applicants: ~1 a case; a few group cases (群体性) list a representative or two for many people
        n_names = 1 if rng.random() < 0.94 else (2 if rng.random() < 0.8 else 3)
        names = []
        applicants = []
        for position in range(n_names):
            applicant_id += 1
            if rng.random() < 0.1:
                name, akind, id_number = gen.company_name(county), "organisation", gen.credit_code()
            else:
                name, akind = gen.person_name(), "person"
                id_number = gen.person_id(county) if rng.random() < 0.85 else None
            names.append(name)
            # Sealed as the app seals them (casetrack.ciphers): the benchmark database holds no readable ID either.
            sealed = (
                (ciphers.seal(id_number, with_keys=gen.keys), ciphers.digest(id_number, with_keys=gen.keys))
                if id_number
                else (None, None)
            )
            applicants.append((applicant_id, case_id, position, name, akind, *sealed))
        applicant_count = n_names if rng.random() > 0.015 else rng.randrange(5, 60)

        summary = ""
        if rng.random() < 0.35:
            template = rng.choice(SUMMARY_TEMPLATES)
            summary = template.format(
                unit=unit["name"], matter=matter_terms[matter], remedy="行政复议" if kind == "review" else "行政诉讼"
            )

        next_on = next_code = None
        if is_open:
            values = {
                "kind": kind,
                "instance": instance,
                "procedure": procedure,
                "received_on": received,
                "accepted_on": accepted,
                "copy_sent_on": copy_sent,
                "answer_received_on": answer,
                "served_on": served,
                "defence_filed_on": defence,
                "declined_on": None,
                "concluded_on": None,
                "outcome": None,
                "extension_days": None,
            }
            deadline = rules.next_open_deadline(rules.compute_deadlines(values, calendar))
            if deadline is not None:
                next_on, next_code = deadline.due_on, deadline.code

        text_value = rules.search_text(number, names, unit["name"], summary)
        created = datetime.combine(received, dtime(9, 0), tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 540))
        updated = datetime.combine(concluded or accepted or received, dtime(10, 0), tzinfo=UTC)
        row = (
            case_id,
            kind,
            number,
            instance,
            procedure,
            unit["id"],
            applicant_count,
            matter,
            summary,
            status,
            received,
            accepted,
            copy_sent,
            answer,
            served,
            defence,
            None,
            concluded,
            outcome,
            ext_days,
            ext_by,
            ext_on,
            next_on,
            next_code,
            text_value,
            1,
            created,
            updated,
            creator_id,
        )
        if handler_ids:
            row += (rng.choice(handler_ids),)
        if with_grams:
            row += (rules.search_bigrams(text_value),)
        if with_number_key:
            row += (rules.number_key(number),)
        yield row, applicants


# --- loaders -----------------------------------------------------------------------------------------------------


class PostgresLoader:
    def __init__(self, url: str):
        import psycopg

        parsed = make_url(url).set(drivername="postgresql")
        self.conn = psycopg.connect(parsed.render_as_string(hide_password=False))
        self.conn.execute("SET session_replication_role = replica")  # no FK triggers during the bulk load
        self.conn.execute("SET maintenance_work_mem = '512MB'")
        self.dropped: list[tuple[str, str]] = []

    def drop_indexes(self) -> None:
        rows = self.conn.execute("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename IN ('cases', 'applicants')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """).fetchall()
        for name, _definition in rows:
            self.conn.execute(f'DROP INDEX "{name}"')
        self.dropped = rows
        log(f"dropped {len(rows)} secondary indexes for the load")

    def insert_reference(self, units: list[dict], users: list[tuple]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO units (id, name, kind, head_name, active) VALUES (%s, %s, %s, %s, true)",
                [(u["id"], u["name"], u["kind"], u["head_name"]) for u in units],
            )
            cur.executemany(
                "INSERT INTO users (id, username, display_name, role, unit_id, password_hash, active, locale) "
                "VALUES (%s, %s, %s, %s, %s, %s, true, NULL)",
                users,
            )

    def copy(self, table: str, columns: tuple, rows: list[tuple]) -> None:
        with self.conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def finish(self) -> None:
        conn = self.conn
        for table in ("units", "users", "cases", "applicants"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.commit()
        log("rows committed; re-creating indexes")
        for name, definition in self.dropped:
            started = time.perf_counter()
            conn.execute(definition)
            conn.commit()
            log(f"  {name} in {time.perf_counter() - started:.1f}s")
        conn.autocommit = True
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        log(f"VACUUM (ANALYZE) in {time.perf_counter() - started:.1f}s")
        conn.close()


def _sqlite_value(value):
    if isinstance(value, list):  # ARRAY on PostgreSQL is JSON on SQLite
        return json.dumps(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


class SqliteLoader:
    def __init__(self, url: str, analyze: bool):
        import sqlite3

        self.conn = sqlite3.connect(make_url(url).database, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = MEMORY")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA cache_size = -400000")
        self.conn.execute("BEGIN")
        self.analyze = analyze
        self.dropped: list[tuple[str, str]] = []

    def drop_indexes(self) -> None:
        rows = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('cases', 'applicants')"
        ).fetchall()
        for name, _sql in rows:
            self.conn.execute(f'DROP INDEX "{name}"')
        self.dropped = rows
        log(f"dropped {len(rows)} secondary indexes for the load")

    def insert_reference(self, units: list[dict], users: list[tuple]) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        self.conn.executemany(
            "INSERT INTO units (id, name, kind, head_name, active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
            [(u["id"], u["name"], u["kind"], u["head_name"], now) for u in units],
        )
        self.conn.executemany(
            "INSERT INTO users (id, username, display_name, role, unit_id, password_hash, active, locale, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, 1, NULL, ?)",
            [(*u, now) for u in users],
        )

    def copy(self, table: str, columns: tuple, rows: list[tuple]) -> None:
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            ([_sqlite_value(v) for v in row] for row in rows),
        )

    def finish(self) -> None:
        conn = self.conn
        conn.execute("COMMIT")
        log("rows committed; re-creating indexes")
        for name, sql in self.dropped:
            started = time.perf_counter()
            conn.execute(sql)
            log(f"  {name} in {time.perf_counter() - started:.1f}s")
        if self.analyze:
            conn.execute("ANALYZE")
            log("ANALYZE done")
        conn.close()


# --- main -----------------------------------------------------------------------------------------------------------


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop and recreate the PostgreSQL database (name must contain 'bench') or delete the SQLite file",
    )
    parser.add_argument("--seed", type=int, default=20201231)
    parser.add_argument("--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite at the end")
    args = parser.parse_args(argv)

    url = args.database_url
    backend = make_url(url).get_backend_name()
    started_all = time.perf_counter()
    prepare_database(url, args.fresh)
    app = make_app(url)
    migrate_schema(app)

    from sqlalchemy import func, inspect, select

    from casetrack.accounts.services import hash_password
    from casetrack.cases.models import Case
    from casetrack.extensions import db
    from casetrack.workdays.services import load_calendar

    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Case)):
            raise SystemExit("the database already holds cases; use --fresh")
        sealing_keys = ciphers.keys()
        calendar = load_calendar()
        existing_case_columns = [c["name"] for c in inspect(db.engine).get_columns("cases")]
        db.session.remove()
        db.engine.dispose()

    today = date.today()
    gen = Generator(args.seed, today)
    gen.keys = sealing_keys
    password_hash = hash_password(PASSWORD)

    # The liaison user belongs to the busiest unit: the worst case for a unit-scoped list.
    busiest = max(gen.units, key=lambda u: u["weight"])
    users = []
    for index, (username, role, display) in enumerate(BENCH_USERS, start=1):
        users.append((index, username, display, role, busiest["id"] if role == "unit" else None, password_hash))
    mediator_id = next(u[0] for u in users if u[3] == "mediator")

    # Newer schemas give a case a handler (承办人): staff who get its reminders. Filled when the column exists.
    case_columns = CASE_COLUMNS
    handler_ids = None
    if "handler_id" in existing_case_columns:
        case_columns = CASE_COLUMNS + ("handler_id",)
        handler_ids = tuple(u[0] for u in users if u[3] in ("mediator", "legal"))
    # ... and a bigram array of search_text for two-character searches (cases.rules.search_bigrams).
    with_grams = "search_grams" in existing_case_columns
    if with_grams:
        case_columns = case_columns + ("search_grams",)
    # ... and the key lookups compare a case number by (cases.rules.number_key).
    with_number_key = "number_key" in existing_case_columns
    if with_number_key:
        case_columns = case_columns + ("number_key",)
    missing = [c for c in existing_case_columns if c not in case_columns]
    if missing:
        log(f"note: cases columns left to their defaults: {', '.join(missing)}")

    loader = PostgresLoader(url) if backend == "postgresql" else SqliteLoader(url, args.sqlite_analyze)
    loader.drop_indexes()
    loader.insert_reference(gen.units, users)
    log(f"{len(gen.units)} units, {len(users)} users; generating {args.cases:,} cases")

    cases_buf: list[tuple] = []
    applicants_buf: list[tuple] = []
    total_applicants = 0
    open_count = overdue = due_soon = 0
    t0 = time.perf_counter()
    gen_time = load_time = 0.0
    rows = generate_rows(gen, args.cases, mediator_id, calendar, handler_ids, with_grams, with_number_key)
    while True:
        g0 = time.perf_counter()
        for case_row, applicant_rows in rows:
            cases_buf.append(case_row)
            applicants_buf.extend(applicant_rows)
            if case_row[9] != "concluded":
                open_count += 1
                due = case_row[22]
                if due is not None and due < today:
                    overdue += 1
                elif due is not None and (due - today).days <= 7:
                    due_soon += 1
            if len(cases_buf) >= CHUNK:
                break
        gen_time += time.perf_counter() - g0
        if not cases_buf:
            break
        l0 = time.perf_counter()
        loader.copy("cases", case_columns, cases_buf)
        loader.copy("applicants", APPLICANT_COLUMNS, applicants_buf)
        load_time += time.perf_counter() - l0
        total_applicants += len(applicants_buf)
        done = cases_buf[-1][0]
        cases_buf, applicants_buf = [], []
        rate = done / (time.perf_counter() - t0)
        log(f"  {done:,} cases ({rate:,.0f}/s; generating {gen_time:.0f}s, loading {load_time:.0f}s)")
    loader.finish()
    log(
        f"done: {args.cases:,} cases, {total_applicants:,} applicants, {len(gen.units)} units; "
        f"open {open_count:,} (overdue {overdue:,}, due within 7 days {due_soon:,}); "
        f"total {time.perf_counter() - started_all:.0f}s"
    )
    log(f"unit user bench_unit -> unit {busiest['id']} {busiest['name']}")


if __name__ == "__main__":
    main()
