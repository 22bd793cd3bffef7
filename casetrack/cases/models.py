from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from casetrack import ciphers
from casetrack.cases import kinds, rules
from casetrack.extensions import db


def _outcome_counts_as(attribute: str) -> hybrid_property:
    def on_instance(case) -> bool:
        return kinds.counts_as(attribute, case.kind, case.outcome)

    def in_sql(cls):
        return outcome_counts_in(cls, attribute)

    return hybrid_property(on_instance, expr=in_sql)


def outcome_counts_in(columns, attribute: str):
    """The SQL of is_corrected / is_lost / is_granted over ``columns`` (the class, or a table alias's ``.c``, for a
    figure that compares a case with the case it follows)."""
    return or_(
        *(
            and_(columns.kind == kind, columns.outcome.in_(outcomes))
            for kind, outcomes in kinds.counted_kinds(attribute)
        )
    )


class Case(db.Model):
    """A case of one of the kinds in cases.kinds (行政复议, 行政诉讼, 行政赔偿) against one respondent unit."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("kind", "number"),
        # What matching uses: one case per kind and number however it was typed (cases.rules.number_key).
        Index("uq_cases_kind_number_key", "kind", "number_key", unique=True),
        # The list's default order and its common filters, each ending in the sort key so pages stay cheap.
        # The figures' columns ride along in the two date indexes, so a year's counts read the indexes alone
        # (benchmarks/run_figures.py; the list's order and filters use the same leading columns as before).
        Index(
            "ix_cases_received",
            "received_on",
            "id",
            "kind",
            "instance",
            "concluded_on",
            "outcome",
            "respondent_unit_id",
            "amount_granted_fen",
        ),
        Index("ix_cases_unit_received", "respondent_unit_id", "received_on", "id"),
        # stats.kept recounts a unit's month: its cases received or concluded in it.
        Index("ix_cases_unit_concluded", "respondent_unit_id", "concluded_on"),
        Index("ix_cases_kind_received", "kind", "received_on", "id"),
        Index("ix_cases_status_received", "status", "received_on", "id"),
        Index(
            "ix_cases_concluded",
            "concluded_on",
            "kind",
            "instance",
            "received_on",
            "outcome",
            "respondent_unit_id",
            "amount_granted_fen",
        ),
        Index("ix_cases_next_deadline", "next_deadline_on", "id"),
        Index("ix_cases_unit_status_received", "respondent_unit_id", "status", "received_on", "id"),
        Index("ix_cases_kind_deadline", "kind", "next_deadline_on"),
        Index("ix_cases_status_deadline", "status", "next_deadline_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A code of cases.kinds.KINDS.
    kind: Mapped[str] = mapped_column(String(32))
    #: 案号 as typed, shown and exported so; unique per kind.
    number: Mapped[str] = mapped_column(String(rules.MAX_NUMBER))
    #: cases.rules.number_key(number), set with the number (see _keep_number_key): what lookups, the duplicate
    #: check and the ledger's matching compare, so full- and half-width forms of a number are one case.
    number_key: Mapped[str] = mapped_column(String(rules.MAX_NUMBER))
    #: Litigation only: first | second (一审/二审). Empty for review.
    instance: Mapped[str | None] = mapped_column(String(8))
    #: Review only: normal | simple (简易程序, 30-day decision).
    procedure: Mapped[str] = mapped_column(String(8), default="normal")
    #: 被申请人/被告
    respondent_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: >= 5 makes a group case (群体性案件).
    applicant_count: Mapped[int] = mapped_column(Integer, default=1)
    #: 案由/管理领域, a key of cases.rules.MATTERS.
    matter: Mapped[str] = mapped_column(String(32), default="other")
    #: Free-text summary of the dispute.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Lifecycle state, changed only through cases.rules.TRANSITIONS.
    status: Mapped[str] = mapped_column(String(16), default="received")

    #: 收案
    received_on: Mapped[date] = mapped_column(Date)
    #: 受理 (review) / 立案 (litigation)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    #: Review: application copy sent to the respondent (starts its 10-working-day answer period).
    copy_sent_on: Mapped[date | None] = mapped_column(Date)
    #: Review: the respondent's answer received.
    answer_received_on: Mapped[date | None] = mapped_column(Date)
    #: Litigation: complaint served on the respondent (starts the 15-day defence period).
    served_on: Mapped[date | None] = mapped_column(Date)
    #: Litigation: defence and evidence filed.
    defence_filed_on: Mapped[date | None] = mapped_column(Date)
    #: Decided not to accept (不予受理 / 不予立案): closes the case without a decision.
    declined_on: Mapped[date | None] = mapped_column(Date)
    #: 审结; empty while open.
    concluded_on: Mapped[date | None] = mapped_column(Date)
    #: A key of cases.rules.OUTCOMES_BY_KIND[kind]; only with concluded_on.
    outcome: Mapped[str | None] = mapped_column(String(24))

    #: Litigation: the day the judgment or ruling was served (判决/裁定送达日期), from which the appeal period runs
    #: (行政诉讼法 Art. 85), and which it was: judgment | ruling (cases.kinds.RULING_KINDS; 15 or 10 days).
    judgment_served_on: Mapped[date | None] = mapped_column(Date)
    ruling_kind: Mapped[str | None] = mapped_column(String(16))
    #: After a lost first instance, the respondent unit's decision: appeal | no_appeal (上诉 / 不上诉,
    #: cases.kinds.APPEAL_DECISIONS), the day it was taken and the person who approved it.
    appeal_decision: Mapped[str | None] = mapped_column(String(16))
    appeal_decided_on: Mapped[date | None] = mapped_column(Date)
    appeal_approved_by: Mapped[str | None] = mapped_column(String(64))
    #: Litigation: the case this one follows, and how (cases.kinds.RELATIONS): the first instance of a 二审, the
    #: second instance of a 再审, the review a lawsuit follows (复议后起诉). Every instance stays its own case.
    related_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    related_relation: Mapped[str | None] = mapped_column(String(16))

    #: Review decision extension (Art. 62): days, who approved, when.
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extension_approved_by: Mapped[str | None] = mapped_column(String(64))
    extension_approved_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    #: Compensation claims: what the claimant asks for and what the decision grants, in fen (exact integers in
    #: every database; shown in yuan).
    amount_claimed_fen: Mapped[int | None] = mapped_column(BigInteger)
    amount_granted_fen: Mapped[int | None] = mapped_column(BigInteger)

    #: The earliest statutory deadline still to meet, kept by the case services so lists can filter on it.
    next_deadline_on: Mapped[date | None] = mapped_column(Date)
    #: Code of that deadline (cases.rules.Deadline.code).
    next_deadline_code: Mapped[str | None] = mapped_column(String(32))
    #: Number, applicants, unit and summary folded by cases.rules.search_fold: what free-text search matches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: cases.rules.search_bigrams of search_text; GIN-indexed on PostgreSQL for two-character searches.
    search_grams: Mapped[list[str] | None] = mapped_column(ARRAY(Text).with_variant(JSON(), "sqlite"))

    #: Optimistic lock: a save carrying an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: 承办人: the staff member who handles the case and receives its deadline reminders.
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    respondent_unit = relationship("Unit", lazy="joined")
    handler = relationship("User", foreign_keys=[handler_id])
    related_case: Mapped[Case | None] = relationship(remote_side=[id], foreign_keys=[related_case_id])
    applicants: Mapped[list[Applicant]] = relationship(
        back_populates="case", order_by="Applicant.position", cascade="all, delete-orphan"
    )
    suspensions: Mapped[list[CaseSuspension]] = relationship(
        back_populates="case", order_by="CaseSuspension.suspended_on", cascade="all, delete-orphan"
    )
    correction: Mapped[CaseCorrection | None] = relationship(back_populates="case", cascade="all, delete-orphan")
    court_dates: Mapped[list[CourtDate]] = relationship(
        back_populates="case", order_by="(CourtDate.due_on, CourtDate.id)", cascade="all, delete-orphan"
    )
    #: Co-defendants (共同被告): respondent units besides respondent_unit, each with its role.
    co_respondents: Mapped[list[CaseRespondent]] = relationship(
        back_populates="case", order_by="CaseRespondent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        return cls.status.in_(rules.OPEN_STATUSES)

    #: 纠错, 败诉, 予以赔偿: whether the case's outcome counts as its kind declares (cases.kinds), in Python and SQL.
    is_corrected = _outcome_counts_as("corrected")
    is_lost = _outcome_counts_as("lost")
    is_granted = _outcome_counts_as("granted")

    @property
    def spec(self) -> kinds.CaseKind:
        return kinds.KINDS[self.kind]

    @property
    def amount_claimed(self) -> float | None:
        return kinds.yuan(self.amount_claimed_fen)

    @property
    def amount_granted(self) -> float | None:
        return kinds.yuan(self.amount_granted_fen)

    @property
    def is_group_case(self) -> bool:
        return rules.is_group_case(self.applicant_count)

    @property
    def open_suspension(self) -> CaseSuspension | None:
        return next((s for s in self.suspensions if s.resumed_on is None), None)

    def dates(self) -> dict:
        """The plain values the deadline rules read: the case's dates, its suspensions and its correction."""
        return {
            **{field: getattr(self, field) for field in rules.DATE_RULE_FIELDS},
            "suspensions": [rules.Pause(s.suspended_on, s.resumed_on) for s in self.suspensions],
            "correction": self.correction.as_rule_values() if self.correction else None,
            "court_dates": [item.as_rule_values() for item in self.court_dates if not item.withdrawn],
        }

    @property
    def respondents(self) -> list[tuple]:
        """(unit, role) of every respondent unit, the main respondent first (it made the act: role original_act)."""
        return [(self.respondent_unit, kinds.MAIN_RESPONDENT_ROLE)] + [(r.unit, r.role) for r in self.co_respondents]

    @property
    def respondent_unit_ids(self) -> list[int]:
        return [self.respondent_unit_id] + [r.unit_id for r in self.co_respondents]

    @classmethod
    def has_respondent(cls, unit_id: int):
        """SQL: the unit is one of the case's respondent units, main or co-defendant."""
        co = select(CaseRespondent.case_id).where(CaseRespondent.unit_id == unit_id)
        return or_(cls.respondent_unit_id == unit_id, cls.id.in_(co))

    @validates("number")
    def _keep_number_key(self, _name: str, number: str) -> str:
        # Every ORM path that sets a number (registration, edit, demo data, test factories) sets its key with it;
        # the ledger's bulk writes bypass the ORM and set it themselves.
        self.number_key = rules.number_key(number)
        return number

    def __repr__(self) -> str:
        return f"<Case {self.kind} {self.number}>"


class CaseSuspension(db.Model):
    """One 中止 of a case (行政复议法 Art. 39, 行诉解释 Art. 87): the decision or trial period stands still from the
    day it was suspended until the day it resumed (open while resumed_on is empty)."""

    __tablename__ = "case_suspensions"
    __table_args__ = (
        UniqueConstraint("case_id", "suspended_on"),
        # The list of suspended cases and the long-suspension reminder read the running ones.
        Index("ix_case_suspensions_running", "resumed_on", "suspended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    suspended_on: Mapped[date] = mapped_column(Date)
    resumed_on: Mapped[date | None] = mapped_column(Date)
    #: A code of the case kind's suspension_reasons (cases.kinds).
    reason_code: Mapped[str] = mapped_column(String(32))
    #: The words for "other", or what the office adds to a statutory ground.
    reason_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="suspensions")

    @property
    def reason_label(self) -> str:
        # A ground shared by both kinds is worded as each statute words it (申请人 in a review, 原告 in a lawsuit).
        return kinds.KINDS[self.case.kind].suspension_reasons.get(self.reason_code, self.reason_code)


class CaseCorrection(db.Model):
    """补正 (行政复议法 Art. 31): the notice asking the applicant to complete the application, listing every item at
    once, and how it ended — material received (admission is examined again from that day) or not corrected
    (视为放弃). One per case: the law allows one notice."""

    __tablename__ = "case_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    notice_on: Mapped[date] = mapped_column(Date)
    #: The day the applicant received the notice; their 10 working days run from it (the notice day if unknown).
    notice_received_on: Mapped[date | None] = mapped_column(Date)
    items: Mapped[str] = mapped_column(Text)
    #: A longer period granted for a good reason, and that reason.
    extended_to: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    #: received | abandoned (cases.rules.CORRECTION_RESULTS); empty while waiting.
    result: Mapped[str | None] = mapped_column(String(16))
    result_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="correction")

    def as_rule_values(self) -> dict:
        return {
            "notice_on": self.notice_on,
            "notice_received_on": self.notice_received_on,
            "extended_to": self.extended_to,
            "result": self.result,
            "result_on": self.result_on,
        }


class CourtDate(db.Model):
    """A date the court set in a lawsuit (举证期限, 证据交换, 庭前会议, 宣判, …) and who in the office answers for it;
    shown, listed and reminded like a statutory deadline until it is marked done."""

    __tablename__ = "court_dates"
    __table_args__ = (Index("ix_court_dates_due", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: A code of cases.kinds.COURT_DATE_KINDS.
    kind: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(rules.MAX_COURT_DATE_NOTE), default="")
    #: Entered by mistake or vacated by the court: kept, shown struck out, and no longer a deadline.
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="court_dates")
    owner = relationship("User", foreign_keys=[owner_id])

    def as_rule_values(self) -> dict:
        return {"kind": self.kind, "due_on": self.due_on, "done_on": self.done_on, "note": self.note}


class Applicant(db.Model):
    """申请人/原告 of a case. The ID number is personal data: masked for everyone but legal and admin."""

    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: Order as entered; the first is the lead applicant.
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(rules.MAX_APPLICANT_NAME))
    #: person | organisation
    kind: Mapped[str] = mapped_column(String(16), default="person")
    #: 身份证号 / 统一社会信用代码, sealed (casetrack.ciphers): the database and its dumps hold no readable one.
    id_number_sealed: Mapped[str | None] = mapped_column(Text)
    #: Its keyed hash, for an exact search by ID number.
    id_number_digest: Mapped[str | None] = mapped_column(String(64), index=True)

    case: Mapped[Case] = relationship(back_populates="applicants")

    @property
    def id_number(self) -> str | None:
        return ciphers.unseal(self.id_number_sealed) if self.id_number_sealed else None

    @id_number.setter
    def id_number(self, value: str | None) -> None:
        self.id_number_sealed = ciphers.seal(value) if value else None
        self.id_number_digest = ciphers.digest(value) if value else None


class CaseRespondent(db.Model):
    """A further respondent unit of a case (共同被告, 行政诉讼法 Art 26): its liaisons see the case, it counts in the
    unit's figures, and its head's appearance is recorded at each hearing. The main respondent stays on the case."""

    __tablename__ = "case_respondents"
    __table_args__ = (
        UniqueConstraint("case_id", "unit_id"),
        # What a liaison's visibility filter and the per-unit figures ask: the cases of one unit.
        Index("ix_case_respondents_unit_case", "unit_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: A key of cases.kinds.RESPONDENT_ROLES allowed by the case's kind.
    role: Mapped[str] = mapped_column(String(16))

    case: Mapped[Case] = relationship(back_populates="co_respondents")
    unit = relationship("Unit", lazy="joined")


class OutcomeReport(db.Model):
    """结案报备: a respondent unit reports how its case ended; the case concludes only when the legal bureau
    confirms, since the outcome feeds the correction and loss rates reported about that same unit."""

    __tablename__ = "outcome_reports"
    __table_args__ = (Index("ix_outcome_reports_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: One of the case kind's outcomes.
    outcome: Mapped[str] = mapped_column(String(32))
    #: The day the unit says the case ended (审结).
    concluded_on: Mapped[date] = mapped_column(Date)
    #: Compensation claims: the amount the unit's decision grants, in fen.
    amount_granted_fen: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    #: pending → confirmed | returned (see cases.rules.OUTCOME_REPORT_STATUSES).
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Why the legal bureau sent it back.
    return_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    reported_by = relationship("User", foreign_keys=[reported_by_id])
