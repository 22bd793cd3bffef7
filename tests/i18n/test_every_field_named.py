"""Every action and field a service writes to the audit trail has a name the reader's language can show (history.py
gathers them from the domains' rules). Read off the source: a new ``audit.record(...)`` with a field nobody named
fails here before anyone sees "unit_lead" in a case history."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from casetrack import history
from casetrack.audit import rules as audit_rules
from casetrack.cases import kinds
from casetrack.cases.ledger import LEDGER_FIELDS
from casetrack.cases.services import EDITABLE_FIELDS, STATUS_FIELDS
from casetrack.hearings.ledger import COMPARED as HEARING_COMPARED
from casetrack.mediation.ledger import COMPARED as MEDIATION_COMPARED
from casetrack.risk import rules as risk_rules

SOURCE = Path(__file__).resolve().parents[2] / "casetrack"


def _constants(node) -> list[str]:
    """The strings an expression can be: a literal, or either side of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _dict_keys(node, assignments: dict) -> list[str]:
    if isinstance(node, ast.Name) and node.id in assignments:
        node = assignments[node.id]
    if isinstance(node, ast.IfExp):
        return _dict_keys(node.body, assignments) + _dict_keys(node.orelse, assignments)
    if isinstance(node, ast.Dict):
        return [key for k in node.keys if k is not None for key in _constants(k)]
    return []


def _changed_fields(node, assignments: dict) -> list[str]:
    """Field names in a ``changes`` argument: a list of (field, before, after) or ``audit.diff(before, after)``."""
    if isinstance(node, ast.List):
        return [name for item in node.elts if isinstance(item, ast.Tuple) for name in _constants(item.elts[0])]
    if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "diff":
        return [name for arg in node.args for name in _dict_keys(arg, assignments)]
    return []


def recorded() -> set[tuple[str, str, str | None]]:
    """(entity type, action, field) of every audit write in the source whose parts are spelled out there."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            assignments = {
                target.id: node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for call in ast.walk(function):
                if not isinstance(call, ast.Call) or getattr(call.func, "attr", "") not in (
                    "record",
                    "record_despite_refusal",
                ):
                    continue
                if getattr(call.func.value, "id", "") != "audit" or len(call.args) < 3:
                    continue
                for entity in _constants(call.args[0]):
                    for action in _constants(call.args[2]):
                        found.add((entity, action, None))
                        if len(call.args) > 4 and call.func.attr == "record":
                            found |= {(entity, action, f) for f in _changed_fields(call.args[4], assignments)}
        for node in ast.walk(tree):  # record_many rows: dict literals naming their entity type
            if isinstance(node, ast.Dict):
                row = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
                if "entity_type" in row and "action" in row:
                    for entity in _constants(row["entity_type"]):
                        for action in _constants(row["action"]):
                            fields = _constants(row.get("field")) if row.get("field") is not None else []
                            found |= {(entity, action, None)} | {(entity, action, f) for f in fields}
    return found


def test_the_source_scan_finds_the_audit_writes_it_checks():
    writes = recorded()
    # Guards the scan itself: were it to find nothing, the test below would pass on anything.
    assert ("risk_case", "task_force_formed", None) in writes
    assert ("user", "token_issued", "expires_at") in writes
    assert ("mediation", "closed", "status") in writes
    assert ("unit", "created", "name") in writes


@pytest.mark.parametrize("write", sorted(recorded(), key=str), ids=str)
def test_every_recorded_action_and_field_has_a_name(write):
    entity, action, field = write
    actions = {**history.ACTIONS.get(entity, {}), **audit_rules.ACTION_LABELS}
    assert action in actions, f"audit action {action!r} on {entity} has no name in audit.rules or its domain"
    if field is not None:
        assert field in history.FIELDS.get(entity, {}), f"field {field!r} of {entity} has no name in any AUDIT_FIELDS"


def test_fields_recorded_by_name_lists_are_named_too():
    """The writes whose fields come from a list (a case's snapshot, the ledger's compared columns, the weights)."""
    named = history.FIELDS
    case_fields = {*EDITABLE_FIELDS, *STATUS_FIELDS, "status", "kind", "applicants", *LEDGER_FIELDS}
    assert case_fields - named["case"].keys() == set()
    assert set(kinds.ALL_OWN_FIELDS) - named["case"].keys() == set()
    assert set(HEARING_COMPARED) - named["case"].keys() == set()
    assert set(MEDIATION_COMPARED) - named["mediation"].keys() == set()
    assert {f"{side}_{part}" for side in risk_rules.SIDES for part in ("lead", "member")} <= named["risk_case"].keys()


def test_every_transition_a_workflow_offers_is_named():
    assert {action for _, action in risk_rules.TRANSITIONS} <= history.ACTIONS["risk_case"].keys()
    from casetrack.cases import rules as case_rules

    assert set(case_rules.ACTION_CAPABILITIES) <= history.ACTIONS["case"].keys()


def test_every_audit_entry_kind_reads_in_chinese(app):
    """Each recorded (kind of record, action, field), and every coded value a field can hold, as the history table
    shows it: no Latin letters left (a code no domain named would show as itself)."""
    from types import SimpleNamespace

    from tests.i18n.test_pages_in_chinese import latin_words

    shown = []
    with app.test_request_context("/"):
        for entity, action, field in sorted(recorded(), key=str):
            entry = SimpleNamespace(entity_type=entity, action=action, field=field, comment="ledger import")
            shown += [history.action_label(entry), history.field_label(entry), history.comment_text(entry)]
        for entity, fields in history.VALUES.items():
            for field, names in fields.items():
                entry = SimpleNamespace(entity_type=entity, action="updated", field=field, comment=None)
                shown += [history.value_text(entry, code) for code in names]
        for flag in ("True", "False"):
            shown.append(history.value_text(SimpleNamespace(entity_type="user", field="active"), flag))
        shown.append(history.source_parts("job notifications.daily_reminders")[0])
        shown.append(history.source_parts("cli root@host")[0])
    assert [text for text in shown if latin_words(text, set())] == []
