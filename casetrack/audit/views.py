"""The audit administrator's pages: search the trail, export what the search found."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from casetrack import history
from casetrack.audit import queries
from casetrack.clock import local_text
from casetrack.ledger.workbook import write_workbook
from casetrack.params import parse_id
from casetrack.web import parse_date_arg, parse_int_arg, permission_required, words, xlsx_download

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filters() -> queries.AuditFilters:
    filters = queries.AuditFilters(
        actor=request.args.get("actor", "")[:64],
        action=request.args.get("action", "")[:32],
        entity_type=request.args.get("entity_type", "")[:32],
        entity_id=parse_id(request.args.get("entity_id", "")),
        page=parse_int_arg("page", 1),
        per_page=current_app.config["CASETRACK_PER_PAGE"],
    )
    for name in ("day_from", "day_to"):
        value, problem = parse_date_arg(name)
        setattr(filters, name, value)
        if problem:
            filters.problems.append(problem)
    return filters


@bp.route("/")
@permission_required("read_audit_trail")
def index():
    filters = _filters()
    types, actions = queries.kinds_in_use()
    return render_template(
        "audit/index.html",
        page=queries.page_of_entries(filters),
        filters=filters,
        types=types,
        actions=actions,
    )


@bp.route("/export.xlsx")
@permission_required("read_audit_trail")
def export():
    filters = _filters()
    found = queries.iter_entries(filters, current_app.config["CASETRACK_EXPORT_MAX_ROWS"])

    def rows():
        for entry in found:
            where, detail = history.source_parts(entry.source)
            yield [
                entry.seq,
                local_text(entry.at),
                entry.actor.username if entry.actor else words(where) or "system",
                " ".join(part for part in (where, detail) if part),
                history.action_label(entry),
                history.record_kind_label(entry.entity_type),
                entry.entity_id,
                history.field_label(entry),
                history.value_text(entry, entry.before),
                history.value_text(entry, entry.after),
                history.comment_text(entry),
                entry.entry_hash,
            ]

    headers = ["序号", "时间", "操作人", "来源", "操作", "对象类型", "对象编号", "字段", "原值", "新值", "说明", "哈希"]
    return xlsx_download(lambda file: write_workbook(file, [("审计日志", headers, rows())]), "audit-trail")
