"""The annual report (SPEC section 4): the figures of a year for the district and for every unit, as JSON,
Markdown and Word, and kept for download."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import func, select

from casetrack.accounts.models import Unit
from casetrack.clock import local_today, utc_now
from casetrack.extensions import db
from casetrack.reports.models import StoredReport
from casetrack.stats import kept
from casetrack.stats.queries import Period, district_and_unit_figures, suggestion_counts, trend_to
from casetrack.stats.rules import compared_days

FORMATS = ("json", "md", "docx")
MEDIA_TYPES = {
    "json": "application/json",
    # Werkzeug adds "; charset=utf-8" to every text/* type itself: naming it here sent it twice.
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def annual_report(year: int, through: date | None = None, today: date | None = None) -> dict:
    """YEAR's report; ``through`` ends it early (the monthly summary's year to date). A running year stops at
    today — both compared with the same days a year earlier — and then says so in "through"."""
    if through is not None:
        period = Period(date(year, 1, 1), through)
        previous = Period(*compared_days(year, None, through)[2:])
    else:
        period, previous = Period.compared(year, None, today or local_today())
    # The kept figures, held equal to the definitions by tests/stats/test_kept_figures.py (and, at a million
    # cases, to a hand-written scan by benchmarks/run_figures.py).
    district, per_unit = district_and_unit_figures(period, previous, kept.kept())
    report = {"year": year}
    if period.end != date(year, 12, 31):
        report["through"] = period.end.isoformat()
    report.update(district)
    units = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all()
    report["by_unit"] = [{"unit": name, **per_unit[unit_id]} for unit_id, name in units]
    report["suggestions_by_type"] = suggestions_by_type(period)
    return report


def suggestions_by_type(period: Period) -> list[dict]:
    """The suggestions section counted per type, for the report's sentence ("接受检察建议34份并整改完毕") and table."""
    from casetrack.suggestions.rules import PROCURATORIAL, TYPES

    counts = suggestion_counts(period, by_type=True)
    return [
        {
            "type": code,
            "term": kind.term,
            "procuratorial": code in PROCURATORIAL,
            **{key.removeprefix("suggestions_"): int(value or 0) for key, value in counts[code].items()},
        }
        for code, kind in TYPES.items()
        if code in counts
    ]


def annual_trend(year: int, through: date | None = None) -> list[dict]:
    """The months of the report (all twelve for a past year), each against the same month a year earlier; a
    month cut short at ``through`` against the same days a year earlier."""
    return trend_to(year, min(through or local_today(), date(year, 12, 31)), source=kept.kept())


def report_bytes(year: int, fmt: str) -> bytes:
    return report_files(year, (fmt,))[fmt]


def report_files(year: int, formats=FORMATS, generated_at: datetime | None = None) -> dict[str, bytes]:
    """YEAR's report in each of ``formats``, built at the instant ``generated_at`` (now), which the documents show;
    the trend is only queried when a document needs it."""
    from casetrack.reports.documents import docx_bytes, markdown_bytes

    report = annual_report(year)
    files = {}
    if "json" in formats:
        files["json"] = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if {"md", "docx"} & set(formats):
        trend = annual_trend(year, _through(report))
        renderers = {"md": markdown_bytes, "docx": docx_bytes}
        moment = generated_at or utc_now()
        files.update({fmt: renderers[fmt](report, trend, moment) for fmt in formats if fmt in renderers})
    return files


def store_annual_report(year: int, actor=None) -> list[StoredReport]:
    """Build every format of YEAR's report and keep it, replacing an earlier build of the same year. Flushes."""
    from casetrack.audit.services import record

    now = utc_now()
    contents = report_files(year, generated_at=now)
    existing = {
        stored.format: stored for stored in db.session.scalars(select(StoredReport).where(StoredReport.year == year))
    }
    kept = []
    for fmt, content in contents.items():
        stored = existing.get(fmt) or StoredReport(year=year, format=fmt)
        stored.content, stored.generated_at = content, now
        stored.generated_by_id = actor.id if actor is not None else None
        db.session.add(stored)
        kept.append(stored)
    db.session.flush()
    record("annual_report", year, "report_built", actor)
    return kept


def _through(report: dict) -> date | None:
    return date.fromisoformat(report["through"]) if "through" in report else None


def stored_report(year: int, fmt: str) -> StoredReport | None:
    return db.session.scalar(select(StoredReport).where(StoredReport.year == year, StoredReport.format == fmt))


def latest_stored_year(fmt: str | None = None) -> int | None:
    """The most recent year whose report is kept for download (in ``fmt``, for a page linking that file)."""
    stmt = select(func.max(StoredReport.year))
    if fmt is not None:
        stmt = stmt.where(StoredReport.format == fmt)
    return db.session.scalar(stmt)


def stored_reports() -> list[StoredReport]:
    return list(db.session.scalars(select(StoredReport).order_by(StoredReport.year.desc(), StoredReport.format)))


def download_name(year: int, fmt: str) -> str:
    return f"annual-report-{year}.{fmt}"
