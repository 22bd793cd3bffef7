"""Reading ledger files into rows of raw cells, and turning cells into values. Pure apart from file reading."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from casetrack.i18n import N_


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
    return re.sub(r"\s+", "", str(cell or "")).strip()


def read_workbook(path: Path) -> list[RawSheet]:
    # calamine (Rust) reads a 20,000-row ledger in a quarter of a second; openpyxl took 3.7 s, most of an
    # import's time. openpyxl still writes every workbook we produce.
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, zip and XML errors alike: the upload is not a workbook we can read
        raise FileError(N_("The file is not a readable Excel workbook (.xlsx).")) from exc
    sheets = []
    for name in workbook.sheet_names:
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise FileError(N_("The file is not a readable Excel workbook (.xlsx).")) from exc
        if not rows:
            continue
        body = [
            (number, list(cells))
            for number, cells in enumerate(rows[1:], start=2)
            if any(cell not in (None, "") for cell in cells)
        ]
        sheets.append(RawSheet(name.strip(), [_clean_header(c) for c in rows[0]], body))
    return sheets


def read_csv(path: Path) -> RawSheet:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Chinese Windows saves "CSV" in GB18030/GBK; accept it rather than make people re-save.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FileError(N_("The CSV file is neither UTF-8 nor GBK text.")) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise FileError(N_("The CSV file is empty."))
    body = [(number, cells) for number, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    return RawSheet(path.name, [_clean_header(c) for c in header], body)


def read_file(path: Path, original_name: str | None = None) -> list[RawSheet]:
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix == ".xlsx":
        return read_workbook(path)
    if suffix == ".csv":
        return [read_csv(path)]
    raise FileError(N_("Only .xlsx workbooks and .csv files can be imported."))


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


def parse_text(cell) -> str:
    if is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def parse_positive_int(cell) -> int | None:
    if is_blank(cell):
        return None
    try:
        value = int(float(str(cell).strip()))
    except ValueError as exc:
        raise CellError(N_("%(value)s is not a whole number."), value=cell) from exc
    if value < 1 or float(str(cell).strip()) != value:
        raise CellError(N_("%(value)s is not a whole number of at least 1."), value=cell)
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
