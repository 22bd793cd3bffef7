"""What the API answers: the JSON of a case and a risk-queue entry, and the OpenAPI 3.1 document.

The query parameters of each path are declared once, here: the document shows them and the views refuse any
parameter not declared, so the two cannot disagree."""

from __future__ import annotations

from datetime import date
from functools import cache

from casetrack.accounts import rules as account_rules
from casetrack.cases import kinds as case_kinds
from casetrack.cases import queries as case_queries
from casetrack.cases import rules as case_rules
from casetrack.documents import rules as document_rules
from casetrack.i18n import text_of
from casetrack.risk import rules as risk_rules
from casetrack.stats import figures as registry

#: A page holds at most this many items; a larger per_page is cut down to it (the answer says which was used).
MAX_PER_PAGE = 100
#: Pages beyond this are refused: an offset that deep costs the database more than any script needs.
MAX_PAGE = 100_000
#: Longest free-text search, as in the case list.
MAX_QUERY_LENGTH = 100
#: Years a figure may be asked for; the same period a year earlier must also be a valid date.
YEAR_RANGE = (1900, 2999)
DEADLINE_FILTERS = ("overdue", "due_soon", "attention")
BOOLEAN_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def applicant_json(applicant, show_personal_data: bool) -> dict:
    id_number = applicant.id_number
    if id_number and not show_personal_data:
        id_number = account_rules.mask_id_number(id_number)
    return {"name": applicant.name, "kind": applicant.kind, "id_number": id_number or None}


def case_json(case, show_personal_data: bool, with_applicants: bool = True) -> dict:
    """The case object of SPEC section 4 (codes, not labels; ISO dates, null when missing)."""
    data = {
        "id": case.id,
        "number": case.number,
        "kind": case.kind,
        "instance": case.instance,
        "procedure": case.procedure if case.spec.uses("procedure") else None,
        "unit": case.respondent_unit.name,
        "matter": case.matter,
        "applicant_count": case.applicant_count,
        "group_case": case.is_group_case,
        "status": case.status,
        "received_on": iso(case.received_on),
        "accepted_on": iso(case.accepted_on),
        "concluded_on": iso(case.concluded_on),
        "outcome": case.outcome,
        "amount_claimed": case.amount_claimed,
        "amount_granted": case.amount_granted,
        "next_deadline_on": iso(case.next_deadline_on),
        "next_deadline_code": case.next_deadline_code,
    }
    if with_applicants:
        data["applicants"] = [applicant_json(a, show_personal_data) for a in case.applicants]
    return data


def case_detail_json(
    case, show_personal_data: bool, deadlines, today: date, warning_days: int, related: list[dict] = ()
) -> dict:
    return {
        **case_json(case, show_personal_data),
        "summary": case.summary,
        "copy_sent_on": iso(case.copy_sent_on),
        "answer_received_on": iso(case.answer_received_on),
        "served_on": iso(case.served_on),
        "defence_filed_on": iso(case.defence_filed_on),
        "declined_on": iso(case.declined_on),
        "extension_days": case.extension_days,
        "extension_reason": case.extension_reason if case.spec.uses("extension_reason") else None,
        "judgment_served_on": iso(case.judgment_served_on),
        "ruling_kind": case.ruling_kind,
        "appeal_decision": case.appeal_decision,
        "appeal_decided_on": iso(case.appeal_decided_on),
        "appeal_approved_by": case.appeal_approved_by,
        "related": list(related),
        # SPEC section 4: every respondent unit, the main respondent (the unit field) first with its role.
        "respondents": [{"unit": unit.name, "role": role} for unit, role in case.respondents],
        "deadlines": [
            {
                "code": d.code,
                "label": text_of(d.label),
                "basis": text_of(d.basis),
                "due_on": iso(d.due_on),
                "done_on": iso(d.done_on),
                "paused_days": d.paused_days,
                "state": d.state(today, warning_days),
                "estimated": d.estimated,
                "informational": d.informational,
            }
            for d in deadlines
        ],
        "suspensions": [
            {
                "suspended_on": iso(s.suspended_on),
                "resumed_on": iso(s.resumed_on),
                "reason": s.reason_code,
                "reason_text": s.reason_text or None,
            }
            for s in case.suspensions
        ],
        "correction": correction_json(case.correction),
    }


def document_json(document) -> dict:
    version = document.current
    return {
        "id": document.id,
        "title": document.title,
        "category": document.category,
        "dated_on": iso(document.dated_on),
        "given_by": document.given_by,
        "version": version.number,
        "filename": version.filename,
        "size": version.size,
        "sha256": version.sha256,
        "content_type": version.content_type,
        "pages": version.pages,
        "uploaded_at": version.uploaded_at.isoformat() if version.uploaded_at else None,
        "content_url": f"/api/v1/documents/{document.id}/content",
    }


def correction_json(correction) -> dict | None:
    if correction is None:
        return None
    return {
        "notice_on": iso(correction.notice_on),
        "notice_received_on": iso(correction.notice_received_on),
        "items": correction.items,
        "extended_to": iso(correction.extended_to),
        "extension_reason": correction.extension_reason,
        "result": correction.result,
        "result_on": iso(correction.result_on),
    }


def risk_entry_json(risk_case, score: int, has_overdue: bool, show_personal_data: bool) -> dict:
    return {
        "id": risk_case.id,
        "state": risk_case.state,
        "score": score,
        "entry_score": risk_case.entry_score,
        "hand_flagged": risk_case.hand_flagged,
        "entered_on": iso(risk_case.entered_on),
        "items": len(risk_case.items),
        "items_done": sum(1 for item in risk_case.items if item.done_on),
        "has_overdue_items": bool(has_overdue),
        # The queue loads cases without their applicants; the case's own URL has them.
        "case": case_json(risk_case.case, show_personal_data, with_applicants=False),
    }


def page_json(page, items: list) -> dict:
    return {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page}


# --- parameters -------------------------------------------------------------------------------------------------


def _query(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _enum(codes) -> dict:
    return {"type": "string", "enum": list(codes)}


DATE = {"type": "string", "format": "date"}
UNIT_PARAMETER = _query("unit", "Respondent unit, by its exact name.", {"type": "string"})


def _paging(default_per_page: int) -> list[dict]:
    return [
        _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
        _query(
            "per_page",
            f"Items per page; more than {MAX_PER_PAGE} gives {MAX_PER_PAGE}.",
            {"type": "integer", "minimum": 1, "default": default_per_page},
        ),
    ]


def parameters(default_per_page: int = 50) -> dict[str, list[dict]]:
    """Parameters per path (paths as in the document, relative to /api/v1)."""
    return {
        "/cases": [
            _query(
                "kind",
                " or ".join(f"{code} ({kind.term})" for code, kind in case_kinds.KINDS.items()) + ".",
                _enum(case_rules.KINDS),
            ),
            _query("instance", "Litigation instance.", _enum(case_rules.INSTANCES)),
            _query("status", "Case status; open means any open status.", _enum([*case_rules.STATUSES, "open"])),
            _query("matter", "Matter category (案由).", _enum(case_rules.MATTERS)),
            UNIT_PARAMETER,
            _query(
                "q",
                "Free text in the number, applicants, unit or summary.",
                {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            ),
            _query("received_from", "Received on or after this date.", DATE),
            _query("received_to", "Received on or before this date.", DATE),
            _query("concluded_from", "Concluded on or after this date.", DATE),
            _query("concluded_to", "Concluded on or before this date.", DATE),
            _query("deadline", "Next statutory deadline overdue, due soon, or either.", _enum(DEADLINE_FILTERS)),
            _query("sort", "Order of the list (default received_desc).", _enum(case_queries.SORTS)),
            *_paging(default_per_page),
        ],
        "/cases/{case_id}": [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "/figures": [
            _query(
                "year",
                "Calendar year.",
                {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]},
                required=True,
            ),
            _query(
                "month",
                "A month of that year; without it, the whole year.",
                {"type": "integer", "minimum": 1, "maximum": 12},
            ),
            _query(
                "unit",
                "One respondent unit by its exact name; without it, the district (for a unit user: its own unit).",
                {"type": "string"},
            ),
        ],
        "/risk-queue": [
            _query("state", "Workflow state within the queue.", _enum(sorted(risk_rules.QUEUE_STATES))),
            UNIT_PARAMETER,
            _query("overdue", "Only entries with an overdue action item (true/false).", {"type": "boolean"}),
            *_paging(default_per_page),
        ],
        "/cases/{case_id}/documents": [
            {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "/documents/{document_id}/content": [
            {"name": "document_id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "/openapi.json": [],
    }


@cache
def query_parameter_names(path: str) -> frozenset[str]:
    return frozenset(p["name"] for p in parameters()[path] if p["in"] == "query")


# --- the document -----------------------------------------------------------------------------------------------

NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_PERCENT = {"type": ["number", "null"], "description": "Percent, half-up to 2 decimals; null: no figure."}
COUNT = {"type": "integer", "minimum": 0}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, required: list[str] | None = None, description: str | None = None) -> dict:
    schema = {"type": "object", "properties": properties, "required": required or list(properties)}
    if description:
        schema["description"] = description
    return schema


def _list_of(item: str) -> dict:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0, "description": "Matching items over all pages."},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        }
    )


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "BadRequest": _error_response("A parameter is missing, unknown or invalid; the message says which and why."),
    "Unauthorized": _error_response("No valid session or bearer token."),
    "Forbidden": _error_response("The user may not see this."),
    "NotFound": _error_response("No such path or record, or one the user may not see."),
    "MethodNotAllowed": _error_response(
        "The method is not one this path takes (the API is read-only but for POST /cases/{case_id}/documents)."
    ),
    "PayloadTooLarge": _error_response(
        "The file is over CASETRACK_DOCUMENT_MAX_BYTES, or the request over "
        "CASETRACK_DOCUMENT_MAX_REQUEST_BYTES; nothing was stored."
    ),
    "UnsupportedMediaType": _error_response(
        "The file's content is not a type taken (PDF, pictures, Word, Excel…), "
        "whatever its name says; nothing was stored."
    ),
    "ServerError": _error_response("An unexpected error; it has been logged."),
}


def _operation(summary: str, operation_id: str, path: str, ok: dict, params: dict, errors: list[str]) -> dict:
    responses = {"200": ok}
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404"}
    for name in errors:
        responses[codes[name]] = {"$ref": f"#/components/responses/{name}"}
    responses["405"] = {"$ref": "#/components/responses/MethodNotAllowed"}
    responses["500"] = {"$ref": "#/components/responses/ServerError"}
    return {
        "get": {"summary": summary, "operationId": operation_id, "parameters": params[path], "responses": responses}
    }


def _figure_sections() -> dict:
    """One object per section of the figure registry (stats.figures), a property per JSON key of its figures."""
    percentage_points = {"type": ["number", "null"], "description": "Percentage points."}
    sections = {}
    for section in registry.SECTIONS:
        properties: dict = {}
        for figure in registry.of_section(section.code):
            if figure.kind == registry.RATE:
                properties[figure.value_key] = NULLABLE_PERCENT
            elif figure.kind == registry.AMOUNT:
                properties[figure.value_key] = {"type": "number", "minimum": 0, "description": "Yuan."}
            else:
                properties[figure.value_key] = COUNT
            if figure.change:
                properties[figure.previous_key] = NULLABLE_PERCENT if figure.kind == registry.RATE else COUNT
                properties[figure.change_key] = percentage_points if figure.change == registry.PP else NULLABLE_PERCENT
        sections[section.code] = _object(properties, description=section.label)
    return sections


def _schemas() -> dict:
    case_properties = {
        "id": {"type": "integer"},
        "number": {"type": "string", "description": "案号, unique per kind."},
        "kind": _enum(case_rules.KINDS),
        "instance": {"type": ["string", "null"], "enum": [*case_rules.INSTANCES, None]},
        "procedure": {"type": ["string", "null"], "enum": [*case_rules.PROCEDURES, None]},
        "unit": {"type": "string", "description": "Respondent unit (被申请人/被告) name."},
        "matter": _enum(case_rules.MATTERS),
        "applicant_count": {"type": "integer", "minimum": 1},
        "group_case": {"type": "boolean", "description": "5 or more applicants (群体性案件)."},
        "status": _enum(case_rules.STATUSES),
        "received_on": {"type": "string", "format": "date"},
        "accepted_on": NULLABLE_DATE,
        "concluded_on": NULLABLE_DATE,
        "outcome": {
            "type": ["string", "null"],
            "enum": [*case_kinds.ALL_OUTCOMES, None],
            "description": "One of the kind's outcomes (cases.kinds).",
        },
        "amount_claimed": {
            "type": ["number", "null"],
            "description": "Compensation claims: the amount claimed, in yuan; null for other kinds.",
        },
        "amount_granted": {
            "type": ["number", "null"],
            "description": "Compensation claims: the amount the decision grants, in yuan.",
        },
        "next_deadline_on": NULLABLE_DATE,
        "next_deadline_code": {"type": ["string", "null"], "enum": [*case_rules.DEADLINE_LABELS, None]},
        "applicants": {"type": "array", "items": _ref("Applicant")},
    }
    case_schema = _object(
        case_properties,
        required=[name for name in case_properties if name != "applicants"],
        description="A case of one of the kinds (review, litigation, compensation). applicants is left out inside "
        "a risk-queue entry.",
    )
    detail_schema = {
        "allOf": [
            _ref("Case"),
            _object(
                {
                    "summary": {"type": "string"},
                    "copy_sent_on": NULLABLE_DATE,
                    "answer_received_on": NULLABLE_DATE,
                    "served_on": NULLABLE_DATE,
                    "defence_filed_on": NULLABLE_DATE,
                    "declined_on": NULLABLE_DATE,
                    "extension_days": {"type": ["integer", "null"]},
                    "extension_reason": {
                        **NULLABLE_STRING,
                        "description": "Why the review decision period was extended (Art. 62).",
                    },
                    "judgment_served_on": {
                        **NULLABLE_DATE,
                        "description": "Litigation: the day the judgment or ruling was served (判决/裁定送达日期); "
                        "the appeal period runs from it (行政诉讼法 Art. 85).",
                    },
                    "ruling_kind": {
                        "type": ["string", "null"],
                        "enum": [*case_kinds.RULING_KINDS, None],
                        "description": "What was served: judgment (判决, 15-day appeal period) or ruling (裁定, 10).",
                    },
                    "appeal_decision": {
                        "type": ["string", "null"],
                        "enum": [*case_kinds.APPEAL_DECISIONS, None],
                        "description": "After a lost first instance: appeal (上诉) or no_appeal (不上诉).",
                    },
                    "appeal_decided_on": NULLABLE_DATE,
                    "appeal_approved_by": {"type": ["string", "null"], "description": "Who approved the decision."},
                    "related": {
                        "type": "array",
                        "items": _ref("CaseLink"),
                        "description": "The case this one follows and the cases that follow it (both directions), "
                        "those the user may see.",
                    },
                    "respondents": {
                        "type": "array",
                        "items": _ref("Respondent"),
                        "minItems": 1,
                        "description": "Every respondent unit (被申请人/被告 and 共同被告, 行政诉讼法 Art 26): the "
                        "main respondent (the case's unit) first, with role original_act, then the co-defendants.",
                    },
                    "deadlines": {"type": "array", "items": _ref("Deadline")},
                    "suspensions": {"type": "array", "items": _ref("Suspension")},
                    "correction": {"oneOf": [_ref("Correction"), {"type": "null"}]},
                }
            ),
        ]
    }
    return {
        "Document": _object(
            {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "category": _enum(document_rules.CATEGORIES),
                "dated_on": NULLABLE_DATE,
                "given_by": NULLABLE_STRING,
                "version": {"type": "integer", "minimum": 1, "description": "The current version's number."},
                "filename": {"type": "string", "description": "The uploaded name made safe; for display only."},
                "size": {"type": "integer", "minimum": 1, "description": "Bytes."},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "content_type": {"type": "string", "description": "Read from the content, not the name."},
                "pages": {"type": ["integer", "null"], "description": "A PDF's pages; 1 for a picture."},
                "uploaded_at": {"type": ["string", "null"], "format": "date-time"},
                "content_url": {"type": "string"},
            },
            description="One document of a case's file (卷宗): its current version.",
        ),
        "Error": _object({"error": {"type": "string", "description": "What went wrong, in the user's language."}}),
        "Applicant": _object(
            {
                "name": {"type": "string"},
                "kind": _enum(case_rules.APPLICANT_KINDS),
                "id_number": {
                    "type": ["string", "null"],
                    "description": "Masked (first 3 and last 4 shown) except for the legal and admin roles.",
                },
            }
        ),
        "Deadline": _object(
            {
                "code": _enum(case_rules.DEADLINE_LABELS),
                "label": {"type": "string", "description": "The step, in the user's language."},
                "basis": {"type": "string", "description": "The article the period comes from."},
                "due_on": {
                    "type": "string",
                    "format": "date",
                    "description": "Including the days of ended suspensions; while suspended (state suspended) the "
                    "period stands still and moves again by the days it lasts.",
                },
                "done_on": NULLABLE_DATE,
                "paused_days": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Days added for ended suspensions, working or calendar days as the period counts.",
                },
                "state": _enum(
                    ("done", "late", "not_recorded", "suspended", "overdue", "due_soon", "pending", "passed")
                ),
                "estimated": {"type": "boolean", "description": "The holiday schedule of a year is not known yet."},
                "informational": {"type": "boolean"},
            }
        ),
        "Suspension": _object(
            {
                "suspended_on": {"type": "string", "format": "date"},
                "resumed_on": {**NULLABLE_DATE, "description": "null while the case is still suspended."},
                "reason": {
                    "type": "string",
                    "enum": list(case_kinds.ALL_SUSPENSION_REASONS),
                    "description": "The statutory ground (行政复议法 Art. 39, 行诉解释 Art. 87).",
                },
                "reason_text": NULLABLE_STRING,
            }
        ),
        "Correction": _object(
            {
                "notice_on": {"type": "string", "format": "date"},
                "notice_received_on": NULLABLE_DATE,
                "items": {"type": "string"},
                "extended_to": NULLABLE_DATE,
                "extension_reason": NULLABLE_STRING,
                "result": {"type": ["string", "null"], "enum": [*case_rules.CORRECTION_RESULTS, None]},
                "result_on": NULLABLE_DATE,
            },
            description="补正 (行政复议法 Art. 31): the notice and how it ended; null result while waiting.",
        ),
        "Respondent": _object(
            {
                "unit": {"type": "string", "description": "The unit's name."},
                "role": {
                    **_enum(case_kinds.RESPONDENT_ROLES),
                    "description": "; ".join(
                        f"{code}: {term}" for term, code in case_kinds.RESPONDENT_ROLE_TERMS.items()
                    ),
                },
            }
        ),
        "Case": case_schema,
        "CaseDetail": detail_schema,
        "CaseLink": _object(
            {
                "id": {"type": "integer"},
                "number": {"type": "string"},
                "relation": {
                    "type": "string",
                    "enum": [*case_kinds.RELATIONS, *case_kinds.REVERSE_CODES.values()],
                    "description": "From this case's side: appeal (it is the 二审 of the linked first instance), "
                    "retrial (再审 of the linked second instance), after_review (a lawsuit after the linked review); "
                    "appealed_as, retried_as, sued_after: the linked case follows this one so.",
                },
            },
            required=["id", "number", "relation"],
        ),
        "CaseList": _list_of("Case"),
        "RiskEntry": _object(
            {
                "id": {"type": "integer"},
                "state": _enum(risk_rules.STATES),
                "score": {"type": "integer", "description": "Current risk score (0 for a closed case)."},
                "entry_score": {"type": ["integer", "null"], "description": "Score on entry; null: flagged by hand."},
                "hand_flagged": {"type": "boolean"},
                "entered_on": {"type": "string", "format": "date"},
                "items": COUNT,
                "items_done": COUNT,
                "has_overdue_items": {"type": "boolean"},
                "case": _ref("Case"),
            }
        ),
        "RiskQueue": _list_of("RiskEntry"),
        "Figures": _object(
            {
                "year": {"type": "integer"},
                "month": {"type": ["integer", "null"]},
                "unit": {**NULLABLE_STRING, "description": "The unit's name, or null for the whole district."},
                "from": {"type": "string", "format": "date", "description": "First day counted."},
                "to": {
                    "type": "string",
                    "format": "date",
                    "description": "Last day counted: today for a running year or month, compared with the same "
                    "days a year earlier.",
                },
                **_figure_sections(),
            },
            description="SPEC section 3 figures for the period, against the same period a year earlier.",
        ),
    }


def openapi_document(default_per_page: int = 50) -> dict:
    params = parameters(default_per_page)
    paths = {
        "/cases": _operation(
            "Cases the user may see, filtered and paginated",
            "listCases",
            "/cases",
            _ok(_ref("CaseList"), "One page of cases."),
            params,
            ["BadRequest", "Unauthorized"],
        ),
        "/cases/{case_id}": _operation(
            "One case with its statutory deadlines",
            "getCase",
            "/cases/{case_id}",
            _ok(_ref("CaseDetail"), "The case."),
            params,
            ["BadRequest", "Unauthorized", "NotFound"],
        ),
        "/figures": _operation(
            "The SPEC section 3 figures of a year or month, for the district or one unit",
            "getFigures",
            "/figures",
            _ok(_ref("Figures"), "The figures in the annual-report shape."),
            params,
            ["BadRequest", "Unauthorized", "Forbidden", "NotFound"],
        ),
        "/risk-queue": _operation(
            "The high-risk queue (awaiting review, task force at work, cross-off requested), highest score first",
            "listRiskQueue",
            "/risk-queue",
            _ok(_ref("RiskQueue"), "One page of the queue."),
            params,
            ["BadRequest", "Unauthorized"],
        ),
        "/cases/{case_id}/documents": {
            **_operation(
                "The documents of a case's file (卷宗), withdrawn ones left out, in bound order",
                "listCaseDocuments",
                "/cases/{case_id}/documents",
                _ok(_object({"items": {"type": "array", "items": _ref("Document")}}), "The case's file."),
                params,
                ["BadRequest", "Unauthorized", "NotFound"],
            ),
            "post": {
                "summary": "Add one document to a case's file",
                "operationId": "addCaseDocument",
                "description": "The file's type is read from its content. With a session cookie instead of a bearer "
                "token the request must carry the page's CSRF token in X-CSRFToken.",
                "parameters": params["/cases/{case_id}/documents"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": _object(
                                {
                                    "file": {"type": "string", "format": "binary"},
                                    "category": _enum(document_rules.CATEGORIES),
                                    "title": {"type": "string", "maxLength": document_rules.TITLE_MAX},
                                    "dated_on": DATE,
                                    "given_by": {"type": "string", "maxLength": 100},
                                },
                                required=["file", "category"],
                            )
                        }
                    },
                },
                "responses": {
                    "201": _ok(_ref("Document"), "The document as stored."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "403": {"$ref": "#/components/responses/Forbidden"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "405": {"$ref": "#/components/responses/MethodNotAllowed"},
                    "413": {"$ref": "#/components/responses/PayloadTooLarge"},
                    "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
                    "500": {"$ref": "#/components/responses/ServerError"},
                },
            },
        },
        "/documents/{document_id}/content": _operation(
            "The current version of a document, as stored (its SHA-256 checked first)",
            "getDocumentContent",
            "/documents/{document_id}/content",
            {
                "description": "The file, with its sniffed media type and Content-Disposition: attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            },
            params,
            ["BadRequest", "Unauthorized", "NotFound"],
        ),
        "/openapi.json": _operation(
            "This document", "getOpenAPI", "/openapi.json", _ok({"type": "object"}, "OpenAPI 3.1."), params, []
        ),
    }
    paths["/openapi.json"]["get"]["security"] = []
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "casetrack API",
            "version": "1",
            "description": (
                "Read-only access to administrative review and litigation cases, the SPEC section 3 figures and the "
                "legal bureau's risk queue, with the same permissions as the web pages: a unit liaison sees only its "
                "own unit. Authenticate with the session cookie of a signed-in browser or with "
                "`Authorization: Bearer TOKEN` (a token printed by `flask users token NAME`). Unknown query "
                "parameters are refused with 400. Error messages are in the user's language."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A token from `users token NAME`."},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": _schemas(),
            "responses": ERRORS,
        },
    }
