"""Files built to exhaust memory: the real importer, in a process of its own under a memory cap, must refuse them
with a message naming the limit, and write nothing."""

import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from casetrack.cases.models import Case
from casetrack.ledger.parsing import DEFAULT_LIMITS, FileError, read_file
from tests.ledger.test_import import HEADER, count, row, xlsx

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("app")
#: Far below the 549 GB one of these files asked for, and above what the importer itself needs.
MEMORY_CAP = 1536 * 1024 * 1024


def one_far_cell(path, cell):
    """A header row and one cell far away: openpyxl writes only those cells, so the file is a few KB."""
    book = Workbook()
    sheet = book.active
    sheet.title = "案件"
    sheet.append(HEADER)
    sheet[cell] = "x"
    book.save(path)
    return path


def _capped():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli_import(app, path, **settings):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CASETRACK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CASETRACK_SECRET_KEY": "test-secret",
        "CASETRACK_BROKER_URL": "",
        **{f"CASETRACK_{key}": str(value) for key, value in settings.items()},
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casetrack", "ledger", "import", str(path)],
        cwd=ROOT,
        env=env,
        preexec_fn=_capped,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("cell", "limit"), [("XFD1048576", "200,000"), ("GR200000", "64")])
def test_a_tiny_workbook_with_one_far_cell_is_refused_by_the_cli_without_a_crash(tmp_path, app, cell, limit):
    path = one_far_cell(tmp_path / "far.xlsx", cell)
    assert path.stat().st_size < 10_000
    result = cli_import(app, path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "案件" in output and limit in output, output
    assert count(Case) == 0


def test_a_sheet_with_more_rows_than_the_limit_is_refused_before_it_is_read(tmp_path, app):
    path = xlsx(tmp_path / "long.xlsx", [row(number=f"富政复〔2020〕{n}号") for n in range(1, 31)])
    result = cli_import(app, path, IMPORT_MAX_ROWS=20)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "20" in output and "案件" in output, output
    assert count(Case) == 0


def test_a_csv_with_more_rows_than_the_limit_is_refused(tmp_path, app):
    path = tmp_path / "long.csv"
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row(number=f"富政复〔2020〕{n}号")) for n in range(1, 31)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli_import(app, path, IMPORT_MAX_ROWS=20)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "long.csv" in output and "20" in output, output
    assert count(Case) == 0


def test_the_cli_refuses_a_file_larger_than_the_upload_limit(tmp_path, app):
    path = xlsx(tmp_path / "ok.xlsx", [row()])
    result = cli_import(app, path, IMPORT_MAX_BYTES=1000)
    assert result.returncode == 1, result.stdout + result.stderr
    assert count(Case) == 0


def test_styled_empty_cells_far_away_do_not_count_against_the_limits(tmp_path):
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "案件"
    sheet.append(HEADER)
    sheet.append(row())
    sheet["XFD1048576"].font = Font(bold=True)
    book.save(tmp_path / "styled.xlsx")
    [read] = read_file(tmp_path / "styled.xlsx")
    assert len(read.rows) == 1


def test_trailing_empty_csv_columns_do_not_count_against_the_limit(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEADER) + "," * 500 + "\n" + ",".join(str(v) for v in row()) + "," * 500 + "\n")
    [read] = read_file(path)
    assert len(read.header) == len(HEADER) and len(read.rows) == 1


def _rewrite_sheet(source, target, change):
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            copy.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return target


@pytest.mark.parametrize(
    "change",
    [
        # calamine takes the last of two r attributes
        lambda xml: xml.replace(b'<c r="XFD1048576"', b'<c r="A2" r="XFD1048576"'),
        # a cell without r lands after the row's r
        lambda xml: xml.replace(b'<row r="1048576"><c r="XFD1048576"', b'<row r="1048576"><c'),
        # a namespace prefix, which calamine ignores
        lambda xml: xml.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>"),
        # a quoted ">" inside the tag
        lambda xml: xml.replace(b'<c r="XFD1048576"', b'<c s="0" foo="a>b" r="XFD1048576"'),
    ],
    ids=["duplicate-r", "no-r", "prefixed", "quoted-gt"],
)
def test_hand_edited_xml_cannot_slip_a_far_cell_past_the_check(tmp_path, change):
    path = _rewrite_sheet(one_far_cell(tmp_path / "far.xlsx", "XFD1048576"), tmp_path / "edited.xlsx", change)
    with pytest.raises(FileError):
        read_file(path, limits=DEFAULT_LIMITS)


def test_the_upload_page_shows_the_limit_in_chinese_and_writes_nothing(tmp_path, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_IMPORT_MAX_ROWS", 2)
    client = login_as("mediator")
    path = xlsx(tmp_path / "up.xlsx", [row(number=f"富政复〔2020〕{n}号") for n in range(1, 6)])
    with path.open("rb") as handle:
        response = client.post("/ledger/", data={"file": (handle, "up.xlsx")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "工作表 案件 超过 2 行" in page, page
    assert count(Case) == 0


def test_the_upload_page_refuses_a_far_cell_without_a_crash(tmp_path, login_as):
    client = login_as("mediator")
    path = one_far_cell(tmp_path / "far.xlsx", "XFD1048576")
    with path.open("rb") as handle:
        response = client.post("/ledger/", data={"file": (handle, "far.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "200,000" in response.get_data(as_text=True)
    assert count(Case) == 0
