"""What a document can belong to. Each owning domain registers itself here (``register_document_owners`` in the app
factory), so this package imports none of them: how an owner is found for an actor (its own visibility rule, a 404
otherwise), which units answer for it, where its page is and what the audit trail calls it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from casetrack.errors import NotFound
from casetrack.i18n import N_


@dataclass(frozen=True)
class OwnerKind:
    code: str
    label: str
    #: (actor, id) -> the owner if the actor may see it; raises NotFound otherwise.
    load_visible: Callable
    #: owner -> the units whose people may add to its file (a unit liaison only for its own).
    units_of: Callable
    #: owner -> its page, where its file is listed.
    url_of: Callable
    #: owner -> how the file is named (a case's 案号, a mediation's number…).
    name_of: Callable
    #: The audit trail's entity type for the owner, so a document's history shows on the owner's page.
    audit_entity: str


OWNERS: dict[str, OwnerKind] = {}


def register(kind: OwnerKind) -> None:
    OWNERS[kind.code] = kind


def kind_of(code: str) -> OwnerKind:
    try:
        return OWNERS[code]
    except KeyError:
        raise NotFound(N_("The page or record does not exist.")) from None


def load_visible(code: str, actor, owner_id: int):
    return kind_of(code).load_visible(actor, owner_id)
