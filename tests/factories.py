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
                    id_number="330183199001011234" if position == 0 else None,
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
