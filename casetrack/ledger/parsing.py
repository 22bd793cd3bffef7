"""Reading ledger files into rows of raw cells, and turning cells into values. Pure apart from file reading."""

from __future__ import annotations

import csv
import math
import posixpath
import re
import string
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from casetrack.i18n import N_
from casetrack.settings import DEFAULTS


class CellError(ValueError):
    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message
        self.params = params


class FileError(ValueError):
    """The file as a whole cannot be read; nothing is imported."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass
class RawSheet:
    #: Sheet name in a workbook, file name for a CSV.
    name: str
    header: list[str]
    #: (row number as the person sees it in Excel, cells) — the header is row 1.
    rows: list[tuple[int, list]]


def _clean_header(cell) -> str:
    """A header as compared with the ledger's: full-width letters made half-width (NFKC), and without spaces or
    invisible characters, so 案 号, 案　号 and a pasted 案\u200b号 are all 案号."""
    text = unicodedata.normalize("NFKC", str(cell or ""))
    return "".join(char for char in text if not char.isspace() and unicodedata.category(char) != "Cf")


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file is read at most, checked before its cells are held in memory."""

    #: Rows below the header row, in the sheet's used area.
    rows: int
    #: Columns of the used area.
    columns: int
    #: Size of the file itself.
    bytes: int
    #: Unpacked size of an .xlsx's shared strings (the text of its cells), as the zip declares it.
    shared_strings_bytes: int
    #: Unpacked size of any other part of an .xlsx (each sheet's XML, the styles…), as the zip declares it.
    part_bytes: int

    @classmethod
    def from_config(cls, config) -> ReadLimits:
        return cls(
            config["CASETRACK_IMPORT_MAX_ROWS"],
            config["CASETRACK_IMPORT_MAX_COLUMNS"],
            config["CASETRACK_IMPORT_MAX_BYTES"],
            config["CASETRACK_IMPORT_MAX_SHARED_STRINGS_BYTES"],
            config["CASETRACK_IMPORT_MAX_PART_BYTES"],
        )


DEFAULT_LIMITS = ReadLimits.from_config({"CASETRACK_" + key: value for key, value in DEFAULTS.items()})
_UNREADABLE_XLSX = N_("The file is not a readable Excel workbook (.xlsx).")


def _too_many_rows(sheet: str, limits: ReadLimits) -> FileError:
    return FileError(
        N_("The sheet %(sheet)s has more than %(limit)s rows; split the file."), sheet=sheet, limit=f"{limits.rows:,}"
    )


def _too_many_columns(sheet: str, limits: ReadLimits) -> FileError:
    return FileError(
        N_("The sheet %(sheet)s has more than %(limit)s columns; delete the columns the ledger does not use."),
        sheet=sheet,
        limit=f"{limits.columns:,}",
    )


# --- the used area of a worksheet, measured from its XML ----------------------------------------------------
#
# calamine builds a sheet as one dense array reaching to its last non-empty cell, 32 bytes a cell, inside
# get_sheet_by_name and before Python sees its size: a header and one cell at XFD1048576 is a 1.7 KB file that
# asks for 549 GB and aborts the process. So where the cells lie is checked first, streaming the XML, by
# calamine's rules for where a cell lands: the cell's r="B7", else the row's r and the cells before it in that
# row. A cell with nothing inside counts for nothing (calamine drops it), nor does a self-closing <c/> or <row/>.
# The limits hold from A1, whatever rows or columns the sheet leaves empty before its data.
#
# Without comments, CDATA and processing instructions, every "<" of an XML text opens a tag and no tag holds a
# "<", so matching the row and cell tags alone is an exact reading. Excel, WPS and openpyxl write none of the
# three in a worksheet; a sheet that has them is refused rather than read some other way than calamine does.

_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_TAG = re.compile(rb"<(/?)" + _NAME + rb"(row|c)(?=[\s/>])((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")
_CHUNK = 1 << 20


def _greater_than(limit: str, digits: str) -> bytes:
    """A regex for what comes after ``limit`` when counting in ``digits`` (no leading zero): longer, or as long and
    greater place by place — so for column letters too, where B comes after A and AA after Z."""
    lowest, low, high = digits[1] if digits[0] == "0" else digits[0], digits[0], digits[-1]
    options = [f"[{lowest}-{high}][{low}-{high}]{{{len(limit)},}}"]
    for at, char in enumerate(limit):
        following = digits.index(char) + 1
        if following < len(digits):
            options.append(f"{limit[:at]}[{digits[following]}-{high}][{low}-{high}]{{{len(limit) - at - 1}}}")
    return ("(?:" + "|".join(options) + ")").encode()


def column_letter(index: int) -> str:
    """The spreadsheet's name of the column at ``index`` from 0: A, …, Z, AA."""
    name = ""
    while index >= 0:
        index, remainder = divmod(index, 26)
        name = chr(65 + remainder) + name
        index -= 1
    return name


def _fast_cell_pattern(limits: ReadLimits) -> re.Pattern:
    """A <c> tag that is not plainly `<c r="B7" s="1" …>` inside the limits, the only attribute r."""
    letters = _greater_than(column_letter(limits.columns - 1), string.ascii_uppercase)
    number = _greater_than(str(limits.rows + 1), string.digits)
    plain = (
        rb'r="(?!' + letters + rb"[0-9])[A-Z]{1,3}(?!0*" + number + rb'")[0-9]{1,7}"'
        rb'(?:\s+(?!r\s*=)[\w:.-]++\s*=\s*"[^"<]*+")*+\s*/?>'
    )
    return re.compile(rb"<c(?:[\t\n\r/>]| (?!" + plain + rb"))")


class _Extent:
    """Where the cells reach so far; raises as soon as that passes a limit."""

    def __init__(self, sheet: str, limits: ReadLimits):
        self.sheet, self.limits = sheet, limits
        # More cells than the allowed area holds means cells repeat one address: calamine keeps every repeat in
        # a list of its own, so a small file of repeats would exhaust memory all the same.
        self.max_cells = (limits.rows + 1) * limits.columns
        self.cells = 0

    def add(self, cells: int, row: int = 0, column: int = 0) -> None:
        self.cells += cells
        if row > self.limits.rows:
            raise _too_many_rows(self.sheet, self.limits)
        if column >= self.limits.columns:
            raise _too_many_columns(self.sheet, self.limits)
        if self.cells > self.max_cells:
            raise FileError(_UNREADABLE_XLSX)


def _position(attrs: bytes) -> bytes | None:
    found = _R_ATTR.findall(attrs)
    if len(found) > 1:
        raise FileError(_UNREADABLE_XLSX)
    return found[0] if found else None


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _pieces(archive: zipfile.ZipFile, part: str):
    """The part's XML in pieces that end before a "<", so no tag is cut in two; its declaration left out."""
    pending, at_start = b"", True
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = pending + chunk
            cut = max(data.rfind(b"<"), 0) if chunk else len(data)
            piece, pending = data[:cut], data[cut:]
            if len(pending) > _CHUNK:
                raise FileError(_UNREADABLE_XLSX)  # a tag, or text without tags, of more than a megabyte
            if at_start and piece:
                # Only in UTF-8 is "<" the byte we look for; a UTF-16 part would hide every tag from us.
                piece = piece.removeprefix(b"\xef\xbb\xbf").lstrip()
                if not piece.startswith(b"<"):
                    raise FileError(_UNREADABLE_XLSX)
                if piece.startswith(b"<?") and b"?>" in piece:
                    piece = piece[piece.find(b"?>") + 2 :]
                at_start = False
            if b"<!" in piece or b"<?" in piece:
                raise FileError(_UNREADABLE_XLSX)
            yield piece
            if not chunk:
                return


_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")


def _fast_extent(archive: zipfile.ZipFile, part: str, extent: _Extent) -> bool:
    """Check a part whose every cell is a plain `<c r="B7" …>` inside the limits; False at the first that is not.

    One regex search a piece, where the exact walk below takes a Python step a tag: a 20,000-row ledger is
    checked in a fifth of the time calamine then takes to read it."""
    odd = _fast_cell_pattern(extent.limits)
    for piece in _pieces(archive, part):
        if odd.search(piece) or (b":c" in piece and _PREFIXED_CELL.search(piece)):
            return False
        extent.add(piece.count(b"<c "))
    return True


def _slow_extent(archive: zipfile.ZipFile, part: str, extent: _Extent) -> None:
    row_index = col_index = 0
    #: The cell being read: its position, and whether text or a value was seen inside it so far.
    open_cell: tuple[int, int] | None = None
    open_at, has_content = 0, False
    for piece in _pieces(archive, part):
        for match in _TAG.finditer(piece):
            closing, element, attrs = match.groups()
            empty = attrs.endswith(b"/")
            if element == b"row":
                if closing:
                    row_index += 1
                    col_index = 0
                elif not empty:
                    r = _position(attrs)
                    if r is not None:
                        if not r.isdigit() or len(r) > 7:
                            raise FileError(_UNREADABLE_XLSX)
                        row_index = int(r) - 1
                continue
            if closing:
                if open_cell is not None and (has_content or piece[open_at : match.start()].strip()):
                    extent.add(1, *open_cell)
                open_cell = None
                continue
            if empty:
                continue
            if open_cell is not None:
                # A cell opened inside another: calamine's reading of that is not ours to guess.
                raise FileError(_UNREADABLE_XLSX)
            r = _position(attrs)
            if r is not None:
                ref = _CELL_REF.fullmatch(r)
                if not ref:
                    raise FileError(_UNREADABLE_XLSX)
                col_index = _column_index(ref.group(1))
                open_cell = (int(ref.group(2)) - 1, col_index)
            else:
                open_cell = (row_index, col_index)
            col_index += 1
            open_at, has_content = match.end(), False
        if open_cell is not None:
            has_content = has_content or bool(piece[open_at:].strip())
            open_at = 0


def _check_worksheet_extent(archive: zipfile.ZipFile, part: str, sheet: str, limits: ReadLimits) -> None:
    if not _fast_extent(archive, part, _Extent(sheet, limits)):
        _slow_extent(archive, part, _Extent(sheet, limits))


_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SHARED_STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
#: Where the shared strings are when the relationships do not say (calamine looks there too).
_SHARED_STRINGS_PART = "xl/sharedStrings.xml"


@dataclass(frozen=True)
class _Layout:
    #: (sheet name, part inside the zip) for every sheet the workbook lists, in its order.
    sheets: list[tuple[str, str]]
    shared_strings: set[str]


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f}"


def _part_too_large(part: str, size: int, limits: ReadLimits) -> FileError:
    return FileError(
        N_("The workbook's part %(part)s would take %(size)s MB unpacked; at most %(limit)s MB are read."),
        part=part,
        size=_megabytes(size),
        limit=_megabytes(limits.part_bytes),
    )


def _check_part_sizes(archive: zipfile.ZipFile, limits: ReadLimits) -> _Layout:
    """Refuse a part that would unpack past its limit, by the size the zip declares, before the part is read.

    A zip bomb is a few kilobytes that unpack to gigabytes, and calamine holds the shared strings in memory whole.
    The declared size is what counts: Python's zip reader stops there, and calamine's refuses a part that unpacks
    to more ("larger than its declared uncompressed size"), so neither reads past what is checked here."""
    infos = archive.infolist()
    by_name = {info.filename: info for info in infos}
    # The two parts that say where the others are, read whole to find out: checked first.
    for name in (_WORKBOOK, _WORKBOOK_RELS):
        if name in by_name and by_name[name].file_size > limits.part_bytes:
            raise _part_too_large(name, by_name[name].file_size, limits)
    layout = _layout(archive)
    sheet_of = {part: sheet for sheet, part in layout.sheets}
    for info in infos:
        if info.filename in layout.shared_strings:
            if info.file_size > limits.shared_strings_bytes:
                raise FileError(
                    N_(
                        "The workbook's %(part)s would take %(size)s MB unpacked; at most %(limit)s MB are read. "
                        "Split the file."
                    ),
                    part=N_("shared strings (the text of its cells)"),
                    size=_megabytes(info.file_size),
                    limit=_megabytes(limits.shared_strings_bytes),
                )
        elif info.file_size > limits.part_bytes:
            if info.filename in sheet_of:
                raise FileError(
                    N_("The sheet %(sheet)s would take %(size)s MB unpacked; at most %(limit)s MB are read. Split it."),
                    sheet=sheet_of[info.filename].strip(),
                    size=_megabytes(info.file_size),
                    limit=_megabytes(limits.part_bytes),
                )
            raise _part_too_large(info.filename, info.file_size, limits)
    return layout


def _part_path(target: str) -> str:
    """A relationship's target from the workbook, as a name inside the zip."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _layout(archive: zipfile.ZipFile) -> _Layout:
    import xml.etree.ElementTree as ElementTree

    book = ElementTree.fromstring(archive.read(_WORKBOOK))
    relationships = list(ElementTree.fromstring(archive.read(_WORKBOOK_RELS)).iter(_RELS_NS + "Relationship"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relationships}
    sheets = [
        (element.get("name", ""), _part_path(targets.get(element.get(_DOC_REL_ID) or "", "")))
        for element in book.iter()
        if element.tag.endswith("}sheet")
    ]
    shared = {_part_path(rel.get("Target", "")) for rel in relationships if rel.get("Type") == _SHARED_STRINGS_TYPE}
    return _Layout(sheets, shared | {_SHARED_STRINGS_PART})


def check_workbook(path: Path, limits: ReadLimits) -> None:
    """Refuse a workbook whose parts unpack or whose sheets reach beyond ``limits``, without reading their cells
    into memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            layout = _check_part_sizes(archive, limits)
            names = set(archive.namelist())
            for sheet, part in layout.sheets:
                if part not in names:
                    raise FileError(_UNREADABLE_XLSX)
                _check_worksheet_extent(archive, part, sheet.strip(), limits)
    except FileError:
        raise
    except Exception as exc:  # zip, XML and missing-part errors alike: calamine would not read it either
        raise FileError(_UNREADABLE_XLSX) from exc


def read_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> list[RawSheet]:
    # calamine (Rust) reads a 20,000-row ledger in a quarter of a second; openpyxl took 3.7 s, most of an
    # import's time. openpyxl still writes every workbook we produce.
    from python_calamine import CalamineWorkbook

    check_workbook(path, limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, zip and XML errors alike: the upload is not a workbook we can read
        raise FileError(_UNREADABLE_XLSX) from exc
    sheets = []
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as exc:
            raise FileError(_UNREADABLE_XLSX) from exc
        # The measure above already holds; this is calamine's own count, for a part it found where we did not.
        if sheet.height > limits.rows + 1:
            raise _too_many_rows(name.strip(), limits)
        if sheet.width > limits.columns:
            raise _too_many_columns(name.strip(), limits)
        rows = sheet.to_python(skip_empty_area=False)
        if not rows:
            continue
        body = [
            (number, list(cells))
            for number, cells in enumerate(rows[1:], start=2)
            if any(cell not in (None, "") for cell in cells)
        ]
        sheets.append(RawSheet(name.strip(), [_clean_header(c) for c in rows[0]], body))
    return sheets


def _csv_rows(handle, name: str, limits: ReadLimits) -> RawSheet:
    reader = csv.reader(handle)
    header = _trimmed(next(reader, None) or [])
    if not header:
        raise FileError(N_("The CSV file is empty."))
    if len(header) > limits.columns:
        raise _too_many_columns(name, limits)
    body = []
    for number, cells in enumerate(reader, start=2):
        cells = _trimmed(cells)
        if not cells:
            continue
        if len(cells) > limits.columns:
            raise _too_many_columns(name, limits)
        if len(body) >= limits.rows:
            raise _too_many_rows(name, limits)
        body.append((number, cells))
    return RawSheet(name, [_clean_header(c) for c in header], body)


def _trimmed(cells: list[str]) -> list[str]:
    """Cells up to the last one with text: the commas Excel leaves after the data are no columns."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def read_csv(path: Path, limits: ReadLimits = DEFAULT_LIMITS, name: str | None = None) -> RawSheet:
    """The CSV as one sheet, named ``name`` (the file's name as the person knows it) or else the path's."""
    # Excel on a Chinese Windows saves "CSV" in GB18030/GBK; accept it rather than make people re-save.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with path.open(encoding=encoding, newline="") as handle:
                return _csv_rows(handle, name or path.name, limits)
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise FileError(N_("The CSV file is damaged: a quote is not closed or a cell is too long.")) from exc
    raise FileError(N_("The CSV file is neither UTF-8 nor GBK text."))


def read_file(path: Path, original_name: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> list[RawSheet]:
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise FileError(N_("Only .xlsx workbooks and .csv files can be imported."))
    # The web refuses a larger upload before it is stored (MAX_CONTENT_LENGTH); this is the same cap for the CLI.
    if path.stat().st_size > limits.bytes:
        raise FileError(N_("The file is larger than %(limit)s MB."), limit=f"{limits.bytes / 1024 / 1024:,.0f}")
    if suffix == ".xlsx":
        return read_workbook(path, limits)
    return [read_csv(path, limits, Path(original_name or path.name).name)]


# --- cells → values ------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)


def is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_date(cell) -> date | None:
    """2020-03-05, 2020/3/5, 2020年3月5日, an Excel date, or an Excel serial number; None when blank."""
    if is_blank(cell):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        # A date cell that lost its format arrives as Excel's serial day number.
        if 20000 <= cell <= 80000:
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        raise CellError(N_("%(value)s is not a date."), value=cell)
    text = str(cell).strip()
    if " " in text and re.match(r"^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}(:\d{2})?$", text):
        text = text.split(" ")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(N_("%(value)s is not a date."), value=text)


#: Line breaks and tabs are text (several applicants may stand on lines of one cell); other control characters
#: are not, and PostgreSQL refuses a NUL outright, which would fail the import's confirmation with a 500.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def parse_text(cell) -> str:
    """A cell as text, trimmed; refused when it holds a control character no column can keep."""
    if is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            raise CellError(
                N_("The cell holds a control character (%(code)s), which cannot be stored; remove it."),
                code=f"U+{ord(char):04X}",
            )
    return text


def text_parser(limit: int):
    """A column's parser for text of at most ``limit`` characters: pass the width of the column the text is stored
    in (the model's, or the rules constant the model is declared with), so the preview refuses what the database
    would, instead of the confirmation failing."""

    def parse(cell) -> str:
        text = parse_text(cell)
        if len(text) > limit:
            raise CellError(
                N_("The cell has %(length)s characters; at most %(limit)s fit."), length=len(text), limit=limit
            )
        return text

    return parse


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


def parse_count(cell, limit: int) -> int | None:
    """A whole number from 1 to ``limit``: a number cell (Excel keeps 3 as the float 3.0) or plain digits.

    Text is read by its digits alone, not by float(): that would take 1e3 for a thousand, "inf" for a number too
    large for any integer column, and "nan" for one that compares false with every limit."""
    if is_blank(cell):
        return None
    if isinstance(cell, bool):
        raise CellError(N_("%(value)s is not a whole number."), value=cell)
    if isinstance(cell, float):
        if not math.isfinite(cell) or not cell.is_integer():
            raise CellError(N_("%(value)s is not a whole number."), value=cell)
        value = int(cell)
    elif isinstance(cell, int):
        value = cell
    else:
        text = str(cell).strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise CellError(N_("%(value)s is not a whole number."), value=text)
        value = int(text.partition(".")[0])
    if value < 1:
        raise CellError(N_("%(value)s is not a whole number of at least 1."), value=cell)
    if value > limit:
        raise CellError(N_("%(value)s is more than %(limit)s."), value=cell, limit=f"{limit:,}")
    return value


def parse_amount_fen(cell, limit_yuan: int) -> int | None:
    """An amount in yuan (12345.6, "12,345.60", "12345.60元") of at most ``limit_yuan`` → fen."""
    if is_blank(cell):
        return None
    text = str(cell).strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(N_("%(value)s is not an amount in yuan."), value=cell) from exc
    if not amount.is_finite() or amount < 0 or amount > limit_yuan:
        raise CellError(N_("%(value)s is not an amount in yuan."), value=cell)
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(N_("%(value)s has more than two decimals (fen)."), value=cell)
    return int(amount * 100)


def parse_choice(cell, choices: dict[str, str], what: str) -> str | None:
    """Map a cell to a code: accepts the code itself or any of its spellings in ``choices`` (spelling → code)."""
    text = parse_text(cell)
    if not text:
        return None
    code = choices.get(text) or choices.get(text.lower())
    if code is None:
        raise CellError(N_("Unknown %(what)s: %(value)s."), what=what, value=text)
    return code


def term_parser(terms: dict[str, str], codes, what: str):
    """A column's parser for a cell holding a ledger term (``terms``: term → code) or one of ``codes`` itself."""
    choices = {**terms, **{code: code for code in codes}}
    return lambda cell: parse_choice(cell, choices, what)


YES_NO = {
    "是": True,
    "否": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}


def parse_yes_no(cell) -> bool | None:
    text = parse_text(cell).lower()
    if not text:
        return None
    if text not in YES_NO:
        raise CellError(N_("%(value)s is not 是 or 否."), value=text)
    return YES_NO[text]
