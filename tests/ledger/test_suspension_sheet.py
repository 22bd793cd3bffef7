"""The 中止 sheet: suspensions come in through the ledger, stop the clock, and go out again unchanged."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.cases.models import Case, CaseSuspension
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.ledger.services import export_ledger, import_ledger
from tests.ledger.test_hearing_mediation_sheets import workbook

pytestmark = pytest.mark.usefixtures("app")
TODAY = local_today()
CASES = ["案号", "类型", "被申请人/被告", "申请人/原告", "收案日期", "受理日期"]
SUSPENSIONS = ["案号", "中止日期", "恢复日期", "中止原因"]
ACCEPTED = TODAY - timedelta(days=80)
REVIEW = ["富政复〔2026〕501号", "行政复议", "区市场监管局", "王五", ACCEPTED - timedelta(days=3), ACCEPTED]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def decision_due(client_case) -> str:
    return next(d["due_on"] for d in client_case["deadlines"] if d["code"] == "decision")


def test_a_suspension_imported_through_the_sheet_stops_the_clock_and_moves_the_deadline_the_api_shows(
    tmp_path, login_as
):
    assert import_ledger(workbook(tmp_path / "cases.xlsx", 案件=(CASES, [REVIEW])), SYSTEM, TODAY).ok
    db.session.commit()
    case = db.session.scalar(select(Case))
    client, headers = login_as("legal").client, {}
    before = client.get(f"/api/v1/cases/{case.id}", headers=headers).get_json()
    old_due = date.fromisoformat(decision_due(before))

    running = workbook(
        tmp_path / "running.xlsx", 中止=(SUSPENSIONS, [[REVIEW[0], ACCEPTED + timedelta(days=10), None, "调解和解"]])
    )
    report = import_ledger(running, SYSTEM, TODAY)
    db.session.commit()
    assert report.ok and report.created["suspensions"] == 1, report.error_lines()
    suspended = client.get(f"/api/v1/cases/{case.id}", headers=headers).get_json()
    assert suspended["status"] == "suspended" and suspended["next_deadline_on"] is None
    assert suspended["suspensions"] == [
        {
            "suspended_on": (ACCEPTED + timedelta(days=10)).isoformat(),
            "resumed_on": None,
            "reason": "mediation",
            "reason_text": None,
        }
    ]

    resumed = workbook(
        tmp_path / "resumed.xlsx",
        中止=(SUSPENSIONS, [[REVIEW[0], ACCEPTED + timedelta(days=10), ACCEPTED + timedelta(days=25), "调解和解"]]),
    )
    report = import_ledger(resumed, SYSTEM, TODAY)
    db.session.commit()
    assert report.ok and report.updated["suspensions"] == 1
    after = client.get(f"/api/v1/cases/{case.id}", headers=headers).get_json()
    from casetrack.workdays.services import current_calendar

    assert after["status"] == "accepted"
    assert decision_due(after) == current_calendar().roll_forward(old_due + timedelta(days=15)).isoformat()
    decision = next(d for d in after["deadlines"] if d["code"] == "decision")
    assert decision["paused_days"] == 15 and decision["basis"]
    again = import_ledger(resumed, SYSTEM, TODAY)
    assert again.ok and again.unchanged["suspensions"] == 1 and again.updated["suspensions"] == 0


def test_bad_suspension_rows_import_nothing_and_each_is_named(tmp_path):
    assert import_ledger(workbook(tmp_path / "cases.xlsx", 案件=(CASES, [REVIEW])), SYSTEM, TODAY).ok
    db.session.commit()
    number = REVIEW[0]
    rows = [
        [number, ACCEPTED + timedelta(days=1), ACCEPTED + timedelta(days=5), "不可抗力"],
        ["富政复〔2026〕999号", ACCEPTED, None, "其他"],  # no such case
        [number, ACCEPTED + timedelta(days=9), ACCEPTED + timedelta(days=8), "不可抗力"],  # resumes before
        [number, ACCEPTED - timedelta(days=20), ACCEPTED - timedelta(days=10), "不可抗力"],  # before acceptance
        [number, ACCEPTED + timedelta(days=1), None, "不可抗力"],  # the first row again
        [number, ACCEPTED + timedelta(days=3), None, ""],  # no reason
    ]
    report = import_ledger(workbook(tmp_path / "bad.xlsx", 中止=(SUSPENSIONS, rows)), SYSTEM, TODAY)
    assert not report.ok
    assert {error.row for error in report.errors} == {3, 4, 5, 6, 7}
    lines = "\n".join(report.error_lines())
    assert "中止 第3行" in lines and "不存在" in lines
    assert count(CaseSuspension) == 0 and db.session.scalar(select(Case.status)) == "accepted"


def test_overlapping_suspensions_of_one_case_are_refused(tmp_path):
    assert import_ledger(workbook(tmp_path / "cases.xlsx", 案件=(CASES, [REVIEW])), SYSTEM, TODAY).ok
    db.session.commit()
    rows = [
        [REVIEW[0], ACCEPTED + timedelta(days=1), ACCEPTED + timedelta(days=10), "不可抗力"],
        [REVIEW[0], ACCEPTED + timedelta(days=5), ACCEPTED + timedelta(days=20), "其他原因：等待鉴定"],
    ]
    report = import_ledger(workbook(tmp_path / "overlap.xlsx", 中止=(SUSPENSIONS, rows)), SYSTEM, TODAY)
    assert not report.ok and "重叠" in "\n".join(report.error_lines())
    assert count(CaseSuspension) == 0


def test_an_exported_ledger_with_suspensions_reads_back_into_an_empty_database_and_then_changes_nothing(tmp_path):
    rows = [
        [REVIEW[0], ACCEPTED + timedelta(days=1), ACCEPTED + timedelta(days=10), "不可抗力"],
        [REVIEW[0], ACCEPTED + timedelta(days=20), None, "等待鉴定结论"],  # words of its own: 其他
    ]
    report = import_ledger(
        workbook(tmp_path / "in.xlsx", 案件=(CASES, [REVIEW]), 中止=(SUSPENSIONS, rows)), SYSTEM, TODAY
    )
    db.session.commit()
    assert report.ok and report.created["suspensions"] == 2, report.error_lines()
    other = db.session.scalar(select(CaseSuspension).where(CaseSuspension.resumed_on.is_(None)))
    assert (other.reason_code, other.reason_text) == ("other", "等待鉴定结论")
    assert db.session.scalar(select(Case.status)) == "suspended"
    out = tmp_path / "out.xlsx"
    assert export_ledger(out, SYSTEM)["中止"] == 2
    again = import_ledger(out, SYSTEM, TODAY)
    assert again.ok and again.unchanged["suspensions"] == 2 and again.unchanged["cases"] == 1, again.error_lines()
