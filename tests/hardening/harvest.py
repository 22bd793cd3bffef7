"""The forms a page shows, each as the body a browser would post: the values the page fills in, the selected
options, and what a user types into the fields that need it."""

from __future__ import annotations

from dataclasses import dataclass, field

import lxml.html
from werkzeug.datastructures import MultiDict

from casetrack.clock import local_today
from tests.factories import PASSWORD

#: A field left out of a body.
MISSING = None
#: What a user would type into an empty field the page requires, by input type.
TYPED = {
    "date": lambda: local_today().isoformat(),
    "time": lambda: "09:30",
    "number": lambda: "1",
    "email": lambda: "fuzz@example.com",
    "password": lambda: "Fuzz-Pass-2024-x9!",
}
#: What a user types into fields (of any form, or of forms whose action ends so) that the service needs although
#: the page does not mark them required, or that need a particular value.
TYPED_BY_NAME = {
    ("/login", "username"): "fuzz-leader",
    ("/login", "password"): PASSWORD,
    ("/account/password", "current_password"): PASSWORD,
    ("/conclude", "amount_granted"): "100",
    ("/report-outcome", "amount_granted"): "100",
    "password": "Fuzz-Pass-2024-x9!",
    "agreement": "fuzz1",
    "principal_name": "fuzz1",
}
#: Selects that offer "—" first although the service needs a choice (the required ones say so themselves).
CHOSEN_BY_NAME = {"legal_lead_id", "unit_lead_id", "principal_title", "respondent_unit_id", "resolution"}


@dataclass
class Form:
    action: str
    #: Each field's name and the values the page would send, in page order.
    fields: dict[str, list[str]] = field(default_factory=dict)
    #: Fields naming records: ids, lists of ids, the version of the record.
    naming: set[str] = field(default_factory=set)

    def body(self, name: str | None = None, value=MISSING) -> MultiDict:
        """The body as the page would send it, with the field ``name`` set to ``value`` (or left out: MISSING)."""
        data = MultiDict()
        for key, values in self.fields.items():
            if key != name:
                data.setlist(key, values)
            elif value is not MISSING:
                data.setlist(key, [value])
        return data


def _typed(element, action: str, name: str) -> str:
    """What a user types into an empty field: nothing, unless the page requires it."""
    for key, value in TYPED_BY_NAME.items():
        if key == name or (isinstance(key, tuple) and action.endswith(key[0]) and key[1] == name):
            return value
    if element.get("required") is None:
        return ""
    return TYPED.get((element.get("type") or "text").lower(), lambda: "fuzz1")()


def _chosen(control, name: str) -> list[str]:
    """What a select sends: its selected options, else (a single choice) the first; where a choice is needed, the
    first real one instead of a "—"."""
    options = [option.get("value", option.text_content()) for option in control.iter("option")]
    chosen = [
        option.get("value", option.text_content())
        for option in control.iter("option")
        if option.get("selected") is not None
    ]
    if control.get("multiple") is not None:
        return chosen
    chosen = chosen or options[:1]
    if (control.get("required") is not None or name in CHOSEN_BY_NAME) and chosen[0] in ("", "0"):
        return [option for option in options if option not in ("", "0")][:1] or chosen
    return chosen


def _form(element, page: str) -> Form:
    form = Form(action=element.get("action") or page)
    for control in element.iter("input", "select", "textarea"):
        name = control.get("name")
        kind = (control.get("type") or "").lower()
        if not name or name == "csrf_token" or kind in ("submit", "button", "reset", "image", "file"):
            continue
        values = form.fields.setdefault(name, [])
        if name.endswith(("_id", "_ids")) or name == "version":
            form.naming.add(name)
        if control.tag == "select":
            values += _chosen(control, name)
        elif kind in ("checkbox", "radio"):
            if control.get("checked") is not None or (
                kind == "radio" and not values and _first_radio(element, control)
            ):
                values.append(control.get("value", "on"))
        else:
            # A browser drops the newline that starts a textarea's content (WTForms writes one).
            text = control.text_content().removeprefix("\r\n").removeprefix("\n") if control.tag == "textarea" else None
            text = control.get("value", "") if text is None else text
            values.append(text or _typed(control, form.action.split("?")[0], name))
    return form


def _first_radio(form, control) -> bool:
    """A radio group with no choice made sends its first choice (what a user must pick to submit)."""
    group = [c for c in form.iter("input") if c.get("name") == control.get("name")]
    return group[0] is control and not any(c.get("checked") is not None for c in group)


def forms_on(html: str, page: str) -> list[Form]:
    document = lxml.html.document_fromstring(html)
    return [
        _form(element, page) for element in document.iter("form") if (element.get("method") or "").lower() == "post"
    ]


def form_on(client, page: str, action: str) -> Form:
    """The form of ``page`` that posts to ``action``, as the signed-in ``client`` (conftest.Auth) is shown it."""
    response = client.get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    found = [form for form in forms_on(response.get_data(as_text=True), page) if form.action == action]
    assert found, f"{page} shows no form posting to {action}"
    return found[0]
