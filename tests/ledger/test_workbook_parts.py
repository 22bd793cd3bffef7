"""An .xlsx is a zip: a part that would unpack past its limit (a zip bomb of a few KB declaring gigabytes of shared
strings or sheet XML) is refused by the size the zip declares, before anything is unpacked, with a message naming
the part and the limit. Messages about cells and files are translated when they are shown."""

import re
import struct
import time
import zipfile

import pytest

from casetrack.accounts.models import Unit
from casetrack.ledger.parsing import DEFAULT_LIMITS, FileError, read_file
from tests.ledger.actions import cli_import, error_rows, upload
from tests.ledger.test_import import count, row, xlsx

pytestmark = pytest.mark.usefixtures("app")
GIGABYTE = 1 << 30
SHARED_STRINGS = "xl/sharedStrings.xml"


def with_part(source, target, name, data):
    """The workbook with one more part (or one replaced), written honestly."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            if item.filename != name:
                copy.writestr(item, original.read(item))
        copy.writestr(name, data)
    return target


def declaring(path, name, size):
    """Rewrite the sizes the zip declares for one part, in its local header and in the central directory: what a
    zip bomb's headers say, without building the gigabyte."""
    data = bytearray(path.read_bytes())
    for signature, name_length_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + name_length_at)[0]
            if data[at + name_at : at + name_at + length] == name.encode():
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def shared_strings(count):
    items = "".join(f"<si><t>文字{n}</t></si>" for n in range(count))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{count}" uniqueCount="{count}">{items}</sst>'
    ).encode()


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t>(.*?)</t></is></c>', re.DOTALL)
_SHARED_STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_SHARED_STRINGS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def as_excel_writes_it(source, target):
    """The workbook with its text in shared strings, as Excel writes it (openpyxl writes each cell's text inline)."""
    strings = []

    def to_index(match):
        strings.append(match.group(3))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2) or b"", len(strings) - 1)

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = _INLINE.sub(to_index, data)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                relationship = f'<Relationship Type="{_SHARED_STRINGS_TYPE}" Target="sharedStrings.xml" Id="rIdS"/>'
                data = data.replace(b"</Relationships>", relationship.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHARED_STRINGS_CONTENT}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            copy.writestr(item, data)
        items = b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
        copy.writestr(
            SHARED_STRINGS, shared_strings(0).replace(b' count="0" uniqueCount="0"></sst>', b">" + items + b"</sst>")
        )
    return target


def test_a_declared_gigabyte_of_shared_strings_is_refused_at_once_naming_the_limit(tmp_path, login_as):
    bomb = declaring(
        with_part(xlsx(tmp_path / "a.xlsx", [row()]), tmp_path / "bomb.xlsx", SHARED_STRINGS, shared_strings(10)),
        SHARED_STRINGS,
        GIGABYTE,
    )
    client = login_as("mediator")
    started = time.monotonic()
    response = upload(client, bomb, filename="台账.xlsx")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert error_rows(response) == [
        (
            "台账.xlsx",
            "",
            "",
            "工作簿的共享字符串（单元格中的文字）解压后将占用1,024 MB，最多只读取256 MB。请拆分文件。",
        )
    ]
    assert count() == 0 and count(Unit) == 0


def test_a_declared_gigabyte_of_sheet_xml_is_refused_naming_the_sheet(tmp_path, app):
    path = declaring(xlsx(tmp_path / "sheet.xlsx", [row()]), "xl/worksheets/sheet1.xml", GIGABYTE)
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert "sheet.xlsx：工作表 案件 解压后将占用1,024 MB，最多只读取512 MB。请拆分该工作表。" in result.output, (
        result.output
    )
    assert count() == 0


def test_any_other_part_declaring_more_than_the_limit_is_refused_naming_it(tmp_path):
    path = declaring(xlsx(tmp_path / "styles.xlsx", [row()]), "xl/styles.xml", GIGABYTE)
    with pytest.raises(FileError) as refused:
        read_file(path, limits=DEFAULT_LIMITS)
    assert refused.value.params["part"] == "xl/styles.xml"


def test_a_workbook_whose_text_is_in_shared_strings_still_imports(tmp_path, app):
    path = as_excel_writes_it(
        xlsx(tmp_path / "plain.xlsx", [row(), row(number="富政复〔2020〕2号")]), tmp_path / "excel.xlsx"
    )
    assert b't="s"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    result = cli_import(app, path)
    assert result.exit_code == 0 and "created 2" in result.output, result.output


def test_the_part_limits_are_settings(tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_IMPORT_MAX_SHARED_STRINGS_BYTES", 1 << 20)
    monkeypatch.setitem(app.config, "CASETRACK_IMPORT_MAX_PART_BYTES", 1 << 20)
    strings = shared_strings(100_000)
    assert len(strings) > 1 << 20
    path = with_part(xlsx(tmp_path / "a.xlsx", [row()]), tmp_path / "text.xlsx", SHARED_STRINGS, strings)
    result = cli_import(app, path)
    assert result.exit_code == 1 and "最多只读取1 MB" in result.output and "共享字符串" in result.output, result.output
    long = xlsx(tmp_path / "long.xlsx", [row(number=f"富政复〔2020〕{n}号") for n in range(1, 5001)])
    assert zipfile.ZipFile(long).getinfo("xl/worksheets/sheet1.xml").file_size > 1 << 20
    result = cli_import(app, long)
    assert result.exit_code == 1 and "工作表 案件 解压后将占用" in result.output, result.output
    assert count() == 0


def test_file_and_cell_messages_are_translated_for_each_reader_when_shown(tmp_path, login_as):
    bomb = declaring(
        with_part(xlsx(tmp_path / "a.xlsx", [row()]), tmp_path / "bomb.xlsx", SHARED_STRINGS, shared_strings(10)),
        SHARED_STRINGS,
        GIGABYTE,
    )
    bad_count = xlsx(tmp_path / "count.xlsx", [row(count="1e3")])
    english, chinese = login_as("mediator", locale="en"), login_as("mediator")
    assert error_rows(upload(english, bomb))[0][3] == (
        "The workbook's shared strings (the text of its cells) would take 1,024 MB unpacked; at most 256 MB are read."
        " Split the file."
    )
    assert error_rows(upload(chinese, bomb))[0][3].startswith("工作簿的共享字符串（单元格中的文字）")
    assert error_rows(upload(english, bad_count)) == [("案件", "2", "申请人数", "1e3 is not a whole number.")]
    assert error_rows(upload(chinese, bad_count)) == [("案件", "2", "申请人数", "“1e3”不是整数。")]
