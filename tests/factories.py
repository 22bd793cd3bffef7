"""factory_boy factories and small helpers for building test data."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from casetrack.accounts.models import Unit, User
from casetrack.accounts.services import hash_password
from casetrack.cases.models import Applicant, Case
from casetrack.cases.services import refresh_derived
from casetrack.extensions import db

PASSWORD = "Password-123"
# Hashing once: argon2 is slow on purpose, and every test makes users.
PASSWORD_HASH = hash_password(PASSWORD)


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UnitFactory(Base):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = "department"
    head_name = "负责人"


class UserFactory(Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    role = "mediator"
    password_hash = PASSWORD_HASH
    active = True
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    unit = factory.LazyAttribute(lambda o: UnitFactory() if o.role == "unit" else None)


class CaseFactory(Base):
    class Meta:
        model = Case

    kind = "review"
    number = factory.Sequence(lambda n: f"测复〔2020〕{n}号")
    instance = factory.LazyAttribute(lambda o: "first" if o.kind == "litigation" else None)
    respondent_unit = factory.SubFactory(UnitFactory)
    matter = "penalty"
    received_on = date(2020, 3, 2)
    status = factory.LazyAttribute(
        lambda o: "concluded" if o.concluded_on else ("accepted" if o.accepted_on else "received")
    )
    accepted_on = None
    concluded_on = None
    outcome = None
    applicant_count = 1
    summary = ""

    @factory.post_generation
    def applicants(case, create, names, **kwargs):
        for position, name in enumerate(names or ["张三"]):
            case.applicants.append(
                Applicant(
                    position=position,
                    name=name,
                    kind="person",
                    id_number="330183199001011232" if position == 0 else None,
                )
            )
        db.session.flush()
        refresh_derived(case)
        db.session.flush()


def unit(**kwargs) -> Unit:
    return UnitFactory(**kwargs)


def user(**kwargs) -> User:
    return UserFactory(**kwargs)


def case(**kwargs) -> Case:
    return CaseFactory(**kwargs)


def claim(**kwargs) -> Case:
    """A 行政赔偿 claim, accepted on the day it was received, asking for 1,000 yuan unless told otherwise."""
    received = kwargs.pop("received_on", date(2020, 3, 2))
    defaults = {"kind": "compensation", "received_on": received, "accepted_on": received, "amount_claimed_fen": 100_000}
    return CaseFactory(**{**defaults, **kwargs})


def held_hearing(case: Case, day: date, appeared: bool) -> None:
    """A hearing already held: the head appeared, or an absence with its reason."""
    from casetrack.hearings.models import Hearing

    db.session.add(
        Hearing(
            case=case,
            held_on=day,
            court="富阳区人民法院",
            appeared=appeared,
            principal_name="王局长" if appeared else None,
            principal_title="main" if appeared else None,
            absence_reason=None if appeared else "出差",
        )
    )


def mediation(unit: Unit, number: str, status: str, concluded_on: date | None = None, received_on=None) -> None:
    from casetrack.mediation.models import Mediation

    received_on = received_on or date(2020, 1, 5)
    db.session.add(
        Mediation(
            number=number,
            respondent_unit_id=unit.id,
            source="pre_filing",
            received_on=received_on,
            status=status,
            concluded_on=concluded_on,
            last_activity_on=concluded_on or received_on,
        )
    )


def case_form(unit: Unit, received: date, **changes) -> dict:
    """What the registration form (/cases/new) posts for a review case against ``unit``, with ``changes``."""
    return {
        "kind": "review",
        "number": "富政复〔2026〕500号",
        "instance": "first",
        "procedure": "normal",
        "respondent_unit_id": unit.id,
        "applicants": "李四",
        "applicant_count": 1,
        "matter": "penalty",
        "received_on": received.isoformat(),
        "outcome": "",
        **changes,
    }


def group_target(name: str = "领导群"):
    """A 企业微信 group robot nothing answers (a closed port): its copies fail and wait to be sent again."""
    from casetrack.accounts.permissions import SYSTEM
    from casetrack.summaries.services import add_target

    return add_target(
        SYSTEM,
        name=name,
        kind="wecom",
        webhook="http://127.0.0.1:9/cgi-bin/webhook/send?key=k",
        secret=None,
        summaries="monthly",
    )
