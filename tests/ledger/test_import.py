import csv
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import SYSTEM
from casetrack.audit.models import AuditEntry
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.ledger.services import export_ledger, import_ledger

TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.usefixtures("app")
HEADER = [
    "案号",
    "类型",
    "审级",
    "被申请人/被告",
    "申请人/原告",
    "申请人数",
    "案由",
    "收案日期",
    "受理日期",
    "审结日期",
    "结果",
]


def row(
    number="富政复〔2020〕1号",
    kind="行政复议",
    instance="",
    unit="区公安分局",
    applicant="张三",
    count=1,
    matter="行政处罚",
    received="2020-03-05",
    accepted="2020-03-09",
    concluded="2020-04-20",
    outcome="维持",
):
    return [number, kind, instance, unit, applicant, count, matter, received, accepted, concluded, outcome]


def xlsx(path, rows, header=HEADER, title="案件"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def count(model=Case) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def messages(report) -> dict[int, str]:
    return {error.row: " ".join(report.error_lines()) for error in report.errors}


def test_a_good_file_creates_cases_and_reports_new_units(tmp_path):
    path = xlsx(
        tmp_path / "ok.xlsx",
        [
            row(),
            row(number="(2020)浙0111行初1号", kind="行政诉讼", instance="一审", unit="新登镇", outcome="驳回诉讼请求"),
        ],
    )
    report = import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    assert report.ok and report.created["cases"] == 2
    assert set(report.new_units) == {"区公安分局", "新登镇"}
    litigation = db.session.scalar(select(Case).where(Case.kind == "litigation"))
    assert (
        litigation.instance == "first" and litigation.status == "concluded" and litigation.outcome == "claim_rejected"
    )
    assert litigation.respondent_unit.name == "新登镇" and litigation.applicants[0].name == "张三"


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = xlsx(tmp_path / "ok.xlsx", [row(), row(number="富政复〔2020〕2号", concluded="", outcome="")])
    import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    audits = count(AuditEntry)
    versions = sorted(db.session.scalars(select(Case.version)))
    report = import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    assert (report.created["cases"], report.updated["cases"], report.unchanged["cases"]) == (0, 0, 2)
    assert count(AuditEntry) == audits
    assert sorted(db.session.scalars(select(Case.version))) == versions


def test_a_changed_row_updates_the_case_matched_on_kind_and_number_with_an_audit_entry(tmp_path):
    import_ledger(xlsx(tmp_path / "a.xlsx", [row(concluded="", outcome="")]), SYSTEM, TODAY)
    db.session.commit()
    report = import_ledger(xlsx(tmp_path / "b.xlsx", [row(outcome="撤销")]), SYSTEM, TODAY)
    db.session.commit()
    assert report.updated["cases"] == 1 and count() == 1
    case = db.session.scalar(select(Case))
    assert case.status == "concluded" and case.is_corrected and case.version == 2
    changed = {
        e.field
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "imported", AuditEntry.field.is_not(None))
        )
    }
    assert {"concluded_on", "outcome", "status"} <= changed


@pytest.mark.parametrize(
    "spelling", ["2020-03-05", "2020/3/5", "2020年3月5日", datetime(2020, 3, 5), 43895, "2020-03-05 00:00:00"]
)
def test_every_date_spelling_is_read(tmp_path, spelling):
    report = import_ledger(
        xlsx(tmp_path / "d.xlsx", [row(received=spelling, accepted="", concluded="", outcome="")]), SYSTEM, TODAY
    )
    db.session.commit()
    assert report.ok, report.error_lines()
    assert db.session.scalar(select(Case.received_on)) == date(2020, 3, 5)


def test_a_file_with_any_bad_row_imports_nothing_and_lists_every_bad_row(tmp_path):
    rows = [
        row(number="好1号"),  # row 2: good
        row(number="坏2号", kind="行政裁决"),  # row 3: unknown kind
        row(number="坏3号", outcome="赔偿"),  # row 4: litigation outcome on a review
        row(
            number="坏4号", received="2020-05-01", accepted="", concluded="2020-04-01"
        ),  # row 5: concluded before received
        row(number="好1号"),  # row 6: duplicate number
        row(number="坏6号", unit=""),  # row 7: empty required cell
        row(number="坏7号", received="去年三月"),  # row 8: garbage date
        row(number="坏8号", received="2020-02-30"),  # row 9: impossible date
    ]
    report = import_ledger(xlsx(tmp_path / "bad.xlsx", rows), SYSTEM, TODAY)
    db.session.rollback()
    assert not report.ok
    rows_reported = {error.row for error in report.errors}
    assert rows_reported == {3, 4, 5, 6, 7, 8, 9}
    lines = "\n".join(report.error_lines())
    assert "第3行" in lines and "无法识别" in lines
    assert "第4行" in lines and "不适用" in lines
    assert "第5行" in lines and "早于" in lines
    assert "第6行" in lines and "重复" in lines
    assert "第7行" in lines and "必填" in lines
    assert "第8行" in lines and "不是有效日期" in lines
    assert count() == 0 and count(Unit) == 0


def test_a_partial_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch):
    from casetrack.cases import ledger as case_ledger

    def explode(self, creations):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(case_ledger.CaseSheetImporter, "_insert_cases", explode)
    with pytest.raises(RuntimeError):
        import_ledger(xlsx(tmp_path / "ok.xlsx", [row()]), SYSTEM, TODAY)
    db.session.rollback()
    assert count() == 0 and count(Unit) == 0


def test_csv_with_bom_and_english_headers_is_recognised_by_its_header(tmp_path):
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["number", "kind", "respondent", "applicant", "received_on", "matter"])
        writer.writerow(["R-1", "review", "区住建局", "王五", "2020/6/1", "行政许可"])
    report = import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    assert report.ok and report.created["cases"] == 1
    assert db.session.scalar(select(Case.matter)) == "licensing"


def test_a_gbk_csv_saved_by_chinese_excel_is_read(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        ("案号,类型,被申请人/被告,申请人/原告,收案日期\n富政复1号,行政复议,区住建局,王五,2020年6月1日\n").encode(
            "gb18030"
        )
    )
    report = import_ledger(path, SYSTEM, TODAY)
    assert report.ok and report.created["cases"] == 1


def test_a_file_that_is_not_a_ledger_is_refused_with_a_message(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"not a zip at all")
    report = import_ledger(path, SYSTEM, TODAY)
    assert not report.ok and "Excel" in " ".join(report.error_lines())
    other = xlsx(tmp_path / "other.xlsx", [["x"]], header=["随便"], title="Sheet1")
    assert not import_ledger(other, SYSTEM, TODAY).ok


def test_a_unit_liaison_cannot_import_another_units_case(tmp_path, factories):
    liaison = factories.user(role="unit", unit=factories.unit(name="富春街道"))
    factories.unit(name="东洲街道")
    db.session.commit()
    report = import_ledger(
        xlsx(tmp_path / "u.xlsx", [row(unit="富春街道"), row(number="2号", unit="东洲街道")]), liaison, TODAY
    )
    db.session.rollback()
    assert {e.row for e in report.errors} == {3}
    assert "只能导入本单位" in " ".join(report.error_lines())
    assert count() == 0
    assert import_ledger(xlsx(tmp_path / "own.xlsx", [row(unit="富春街道")]), liaison, TODAY).ok


def test_a_unit_liaison_cannot_overwrite_another_units_case_through_its_number(tmp_path, factories):
    liaison = factories.user(role="unit", unit=factories.unit(name="富春街道"))
    factories.case(number="富政复〔2020〕1号", respondent_unit=factories.unit(name="东洲街道"))
    db.session.commit()
    report = import_ledger(xlsx(tmp_path / "u.xlsx", [row(unit="富春街道")]), liaison, TODAY)
    assert not report.ok


def test_export_writes_the_import_format_and_reimporting_it_changes_nothing(tmp_path):
    import_ledger(
        xlsx(
            tmp_path / "in.xlsx",
            [
                row(),
                row(
                    number="(2020)浙0111行初9号",
                    kind="行政诉讼",
                    instance="二审",
                    outcome="撤诉",
                    applicant="甲公司、乙",
                ),
            ],
        ),
        SYSTEM,
        TODAY,
    )
    db.session.commit()
    out = tmp_path / "out.xlsx"
    assert export_ledger(out, SYSTEM)["案件"] == 2
    report = import_ledger(out, SYSTEM, TODAY)
    assert report.ok and report.unchanged["cases"] == 2 and report.created["cases"] == 0, report.error_lines()


def test_cli_import_prints_counts_and_rejects_a_bad_file_with_row_numbers(tmp_path, app):
    runner = app.test_cli_runner()
    good = xlsx(tmp_path / "good.xlsx", [row()])
    result = runner.invoke(args=["ledger", "import", str(good)])
    assert result.exit_code == 0 and "created 1, updated 0, unchanged 0, rejected 0" in result.output
    result = runner.invoke(args=["ledger", "import", str(good)])
    assert "created 0, updated 0, unchanged 1" in result.output
    bad = xlsx(tmp_path / "bad.xlsx", [row(number="X"), row(number="Y", received="")])
    result = runner.invoke(args=["ledger", "import", str(bad)])
    assert result.exit_code == 1 and "第3行" in result.output
    exported = tmp_path / "export.xlsx"
    assert runner.invoke(args=["ledger", "export", str(exported)]).exit_code == 0 and exported.exists()


def test_upload_page_previews_then_imports_on_confirmation(tmp_path, login_as):
    client = login_as("mediator")
    path = xlsx(tmp_path / "up.xlsx", [row()])
    with path.open("rb") as handle:
        response = client.post("/ledger/", data={"file": (handle, "up.xlsx")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count() == 0
    import re

    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="upload" name="upload" type="hidden" value="([^"]+)"', page
    )
    assert upload, page
    assert client.post("/ledger/confirm", data={"upload": upload.group(1)}).status_code == 302
    assert count() == 1


def test_upload_page_shows_bad_rows_and_writes_nothing(tmp_path, login_as):
    client = login_as("mediator")
    path = xlsx(tmp_path / "up.xlsx", [row(), row(number="Z", kind="行政裁决")])
    with path.open("rb") as handle:
        response = client.post("/ledger/", data={"file": (handle, "up.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "无法识别" in response.get_data(as_text=True)
    assert count() == 0


def test_someone_cannot_confirm_another_users_upload(tmp_path, login_as):
    first, second = login_as("mediator"), login_as("mediator")
    path = xlsx(tmp_path / "up.xlsx", [row()])
    with path.open("rb") as handle:
        page = first.post("/ledger/", data={"file": (handle, "up.xlsx")}, content_type="multipart/form-data")
    import re

    name = re.search(r'value="(u\d+-[^"]+)"', page.get_data(as_text=True)).group(1)
    second.post("/ledger/confirm", data={"upload": name})
    assert count() == 0
