"""The kept figures (stats.kept) always equal the live definitions (stats.queries) after every kind of change —
register, edit, conclude, import, delete, a hearing, a mediation, a co-defendant, a reason, a link between cases,
a rollback and a day passing — for the district and every unit, for years, months and the running year, on SQLite
and PostgreSQL. And they are read from the buckets, not quietly recounted live."""

from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.cases.models import Case, CaseRespondent
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.ledger.services import import_ledger
from casetrack.mediation.models import Mediation
from casetrack.stats import kept, queries
from casetrack.stats.models import BUCKET_COUNTS, FigureBucket
from casetrack.stats.queries import LIVE, Period

pytestmark = pytest.mark.usefixtures("app")
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(frozen_clock):
    frozen_clock(datetime(2026, 6, 15, 4, 0, tzinfo=UTC))


def periods():
    running, year_before = Period.compared(2026, None, TODAY)
    month, month_before = Period.compared(2026, 6, TODAY)
    return [
        (Period.year(2025), Period.year(2024)),
        (Period.year(2026), Period.year(2025)),
        (running, year_before),
        (month, month_before),
        (Period.month(2025, 3), Period.month(2024, 3)),
        (Period(date(2025, 2, 10), date(2025, 8, 20)), Period(date(2024, 2, 10), date(2024, 8, 20))),
    ]


def assert_kept_equals_live(expect_fallback: bool = False):
    reader = kept.kept()
    unit_ids = db.session.scalars(select(Case.respondent_unit_id).distinct()).all()
    for period, previous in periods():
        assert queries.district_and_unit_figures(period, previous, reader) == queries.district_and_unit_figures(
            period, previous
        ), period
        for unit_id in (None, *unit_ids):
            assert queries.figures(period, previous, unit_id, reader) == queries.figures(period, previous, unit_id)
    for unit_id in (None, *unit_ids):
        for year in (2025, 2026):
            assert queries.monthly_figures(year, unit_id, source=reader) == queries.monthly_figures(year, unit_id)
        assert queries.trend_to(2026, TODAY, unit_id, reader) == queries.trend_to(2026, TODAY, unit_id)
    if not expect_fallback:
        # Only a period not made of whole months, or not a bucket's, reads its hearings live.
        assert all("2025-02-10" in part for part in reader.fell_back), reader.fell_back
    return reader


@pytest.fixture
def world(factories):
    town, bureau, police = (
        factories.unit(name="新登镇"),
        factories.unit(name="区住建局"),
        factories.unit(name="公安分局"),
    )
    review = factories.case(
        kind="review",
        number="复1",
        respondent_unit=town,
        received_on=date(2025, 1, 6),
        accepted_on=date(2025, 1, 8),
        concluded_on=date(2025, 3, 2),
        outcome="revoked",
    )
    lost = factories.case(
        kind="litigation",
        number="诉1",
        respondent_unit=bureau,
        received_on=date(2025, 2, 3),
        accepted_on=date(2025, 2, 5),
        concluded_on=date(2025, 9, 1),
        outcome="revoked",
    )
    factories.case(kind="litigation", number="诉2", respondent_unit=police, received_on=date(2026, 3, 4))
    factories.claim(number="赔1", respondent_unit=town, received_on=date(2026, 2, 2))
    factories.held_hearing(lost, date(2025, 5, 6), appeared=True)
    factories.held_hearing(lost, date(2025, 7, 8), appeared=False)
    factories.mediation(town, "调1", "succeeded", concluded_on=date(2025, 4, 1), received_on=date(2025, 3, 1))
    factories.mediation(bureau, "调2", "failed", concluded_on=date(2026, 2, 1), received_on=date(2026, 1, 5))
    db.session.commit()
    kept.rebuild()
    db.session.commit()
    return {"town": town, "bureau": bureau, "police": police, "review": review, "lost": lost}


def test_the_buckets_hold_every_count_the_definitions_make_and_a_rebuild_matches_them(world):
    assert set(BUCKET_COUNTS) == set(queries.kept_zeros())
    assert db.session.scalar(select(func.count()).select_from(FigureBucket)) > 0
    assert_kept_equals_live()


def test_registering_editing_concluding_and_deleting_cases_keep_them_equal(world, factories):
    new = factories.case(kind="review", number="复2", respondent_unit=world["police"], received_on=date(2026, 5, 5))
    db.session.commit()
    assert_kept_equals_live()

    new.respondent_unit_id = world["bureau"].id  # edited: another unit, another month
    new.received_on = date(2026, 4, 28)
    db.session.commit()
    assert_kept_equals_live()

    new.accepted_on, new.concluded_on, new.outcome, new.status = (
        date(2026, 4, 29),
        date(2026, 6, 1),
        "revoked",
        "concluded",
    )
    db.session.commit()
    assert queries.figures(*periods()[2], source=kept.kept())["review"]["corrected"] == 1
    assert_kept_equals_live()

    db.session.delete(new)
    db.session.commit()
    assert_kept_equals_live()


def test_hearings_mediations_co_defendants_links_and_reasons_keep_them_equal(world, factories):
    from casetrack.rectification.models import AdverseReason, CaseAdverseReason

    lost = world["lost"]
    factories.held_hearing(lost, date(2025, 7, 20), appeared=True)
    db.session.commit()
    assert_kept_equals_live()

    db.session.scalar(select(Hearing).where(Hearing.held_on == date(2025, 5, 6))).held_on = date(2026, 1, 9)
    db.session.commit()
    assert_kept_equals_live()

    db.session.add(CaseRespondent(case_id=lost.id, unit_id=world["town"].id, role="co_defendant"))
    db.session.commit()
    assert_kept_equals_live()

    mediation = db.session.scalar(select(Mediation).where(Mediation.number == "调2"))
    mediation.status, mediation.concluded_on = "succeeded", date(2026, 3, 3)
    db.session.commit()
    assert_kept_equals_live()

    # A lawsuit following the review makes the review one "sued after" — the review's bucket, not the lawsuit's.
    factories.case(
        kind="litigation",
        number="诉3",
        respondent_unit=world["police"],
        received_on=date(2026, 1, 12),
        related_case_id=world["review"].id,
        related_relation="after_review",
    )
    db.session.commit()
    assert queries.figures(Period.year(2025), Period.year(2024), source=kept.kept())["linked_cases"]["sued_after"] == 1
    assert_kept_equals_live()

    reason = db.session.scalar(select(AdverseReason).where(AdverseReason.code == "procedure"))
    db.session.add(CaseAdverseReason(case_id=lost.id, reason_id=reason.id))
    db.session.commit()
    assert_kept_equals_live()


def test_an_import_keeps_them_equal_and_a_rolled_back_change_leaves_them_as_they_were(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "案件"
    sheet.append(["案号", "类型", "审级", "被申请人/被告", "申请人/原告", "收案日期", "受理日期", "审结日期", "结果"])
    sheet.append(
        [
            "(2026)浙0111行初9号",
            "行政诉讼",
            "一审",
            "区住建局",
            "张三",
            "2026-01-06",
            "2026-01-08",
            "2026-05-06",
            "撤销",
        ]
    )
    sheet.append(["复1", "行政复议", "", "新登镇", "李四", "2025-01-06", "2025-01-08", "2025-03-02", "维持"])
    book.save(tmp_path / "ledger.xlsx")
    report = import_ledger(tmp_path / "ledger.xlsx", SYSTEM, TODAY)
    assert report.ok, report.error_lines()
    db.session.commit()
    assert queries.figures(Period.year(2025), Period.year(2024), source=kept.kept())["review"]["corrected"] == 0
    assert_kept_equals_live()

    world["lost"].concluded_on = date(2026, 2, 2)
    db.session.flush()
    db.session.rollback()
    assert_kept_equals_live()


def test_new_cases_and_mediations_of_an_import_add_to_their_buckets_and_stay_equal(world, tmp_path, monkeypatch):
    """An import's new rows add their own counts to their buckets; the buckets of cases whose counts they change
    (the review a new lawsuit follows, a case given a sitting or linked in the same file) are recounted."""
    from tests.ledger.test_hearing_mediation_sheets import workbook

    recounted = []
    real_recount = kept._recount
    monkeypatch.setattr(
        kept, "_recount", lambda keys, *a, **k: recounted.append(set(keys)) or real_recount(keys, *a, **k)
    )
    header = ["案号", "类型", "审级", "被申请人/被告", "申请人/原告", "收案日期", "受理日期", "审结日期", "结果"]
    cases = [
        # New, on their own: added, not recounted.
        ["复新1", "行政复议", "", "新登镇", "甲", "2025-04-07", "2025-04-08", "2025-06-02", "撤销"],
        ["(2025)浙0111行初50号", "行政诉讼", "一审", "区住建局", "乙", "2025-11-03", "2025-11-04", "", ""],
        ["赔新1", "行政赔偿", "", "新单位", "丙", "2025-08-01", "2025-08-02", "2025-10-09", "予以赔偿"],
        # Follows the existing review 复1 (it becomes 复议后起诉): 复1's buckets are recounted.
        [
            "(2025)浙0111行初51号",
            "行政诉讼",
            "一审",
            "公安分局",
            "丁",
            "2025-05-06",
            "2025-05-07",
            "2025-12-01",
            "撤销",
        ],
        # Follows a review of the same file, and has co-defendants.
        ["(2025)浙0111行初52号", "行政诉讼", "一审", "公安分局", "戊", "2025-07-01", "2025-07-02", "", ""],
        # Given a sitting by the 庭审 sheet.
        ["(2025)浙0111行初53号", "行政诉讼", "一审", "区住建局", "己", "2025-02-11", "2025-02-12", "", ""],
        # Appeals the existing lost first instance 诉1.
        [
            "(2025)浙01行终9号",
            "行政诉讼",
            "二审",
            "区住建局",
            "庚",
            "2025-10-10",
            "2025-10-11",
            "2025-12-20",
            "驳回诉讼请求",
        ],
    ]
    links = {"(2025)浙0111行初51号": "复1", "(2025)浙0111行初52号": "复新1", "(2025)浙01行终9号": "诉1"}
    co = {"(2025)浙0111行初52号": "新登镇、区住建局", "赔新1": "公安分局"}
    amounts = {"赔新1": ("5000", "3000")}
    path = workbook(
        tmp_path / "new.xlsx",
        案件=(
            [*header, "关联案号", "共同被告", "请求赔偿金额", "赔偿金额"],
            [[*v, links.get(v[0], ""), co.get(v[0], ""), *amounts.get(v[0], ("", ""))] for v in cases],
        ),
        庭审=(
            ["案号", "开庭日期", "负责人出庭", "出庭负责人", "职务"],
            [["(2025)浙0111行初53号", "2025-03-04", "是", "周建国", "主要负责人"]],
        ),
        调解=(
            ["编号", "关联案号", "被申请单位", "来源", "受理日期", "办结日期", "结果"],
            [["调新1", "", "新登镇", "诉前", "2025-05-01", "2025-05-20", "成功"]],
        ),
    )
    report = import_ledger(path, SYSTEM, TODAY)
    assert report.ok, report.error_lines()
    db.session.commit()
    assert report.totals() == (9, 0, 0)
    figures_2025 = queries.figures(Period.year(2025), Period.year(2024), source=kept.kept())
    assert figures_2025["linked_cases"]["sued_after"] == 2  # 复1 and 复新1
    assert figures_2025["mediation"]["succeeded"] == 2
    assert_kept_equals_live()

    touched = set().union(*recounted)
    town, bureau = world["town"].id, world["bureau"].id
    assert ("cases", town, date(2025, 3, 1)) in touched  # 复1, concluded in March, now sued after
    assert ("hearings", bureau, date(2025, 3, 1)) in touched  # the new sitting
    assert ("cases", bureau, date(2025, 11, 1)) not in touched  # a new case alone: added
    assert not any(family == "mediations" for family, _, _ in touched)


def test_a_hearing_held_since_the_last_recount_is_read_live_until_the_nightly_recount(world, factories, frozen_clock):
    factories.held_hearing(world["lost"], date(2026, 6, 20), appeared=True)  # next week: not yet held
    db.session.commit()
    assert_kept_equals_live()
    frozen_clock(datetime(2026, 6, 22, 4, 0, tzinfo=UTC))  # held now, and nothing changed in the database
    reader = kept.kept()
    assert queries.figures(Period.month(2026, 6), Period.month(2025, 6), source=reader)["appearance"]["required"] == 1
    assert reader.fell_back  # the June bucket was counted on the 15th: read live
    kept.refresh_open()
    db.session.commit()
    reader = kept.kept()
    assert queries.figures(Period.month(2026, 6), Period.month(2025, 6), source=reader)["appearance"]["required"] == 1
    assert reader.fell_back == []


def test_definitions_changed_since_the_build_are_read_live(world, monkeypatch):
    monkeypatch.setattr(kept, "fingerprint", lambda: "another definition")
    reader = kept.kept()
    assert queries.figures(Period.year(2025), Period.year(2024), source=reader) == queries.figures(
        Period.year(2025), Period.year(2024)
    )
    assert "not built" in reader.fell_back
    assert LIVE is queries.LIVE


def test_a_case_dated_after_today_keeps_the_running_month_counted_by_its_days(world, factories):
    # The rules refuse such a date; a row that has one anyway (written past them) must not reach today's figures.
    factories.case(kind="review", number="复9", respondent_unit=world["town"], received_on=date(2026, 6, 28))
    db.session.commit()
    reader = kept.kept()
    month, month_before = Period.compared(2026, 6, TODAY)
    assert queries.figures(month, month_before, source=reader)["review"]["new"] == 0
    assert queries.figures(Period.month(2026, 6), month_before, source=reader)["review"]["new"] == 1
    assert_kept_equals_live()


def test_a_change_touching_many_months_at_once_is_recounted_from_one_grouped_scan_and_stays_equal(world, factories):
    for n, month in enumerate((1, 3, 5, 7, 9, 11)):
        factories.case(
            kind="litigation" if n % 2 else "review",
            number=f"多月{n}",
            respondent_unit=world["town" if n % 3 else "bureau"],
            received_on=date(2025, month, 3),
            accepted_on=date(2025, month, 4),
            concluded_on=date(2025, month, 20) if n % 2 else None,
            outcome="revoked" if n % 2 else None,
        )
        factories.mediation(world["police"], f"多调{n}", "succeeded", concluded_on=date(2025, month, 9))
    db.session.add(CaseRespondent(case_id=world["lost"].id, unit_id=world["police"].id, role="co_defendant"))
    db.session.commit()
    assert queries.figures(Period.year(2025), Period.year(2024), source=kept.kept())["mediation"]["succeeded"] == 7
    assert_kept_equals_live()
