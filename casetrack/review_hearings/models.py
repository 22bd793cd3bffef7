from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class ReviewHearing(db.Model):
    """A 听证 the review body holds on a review case (行政复议法 Arts 50–51), with whether the respondent's head
    attended — kept apart from court hearings, whose appearance rate it must not enter."""

    __tablename__ = "review_hearings"
    __table_args__ = (Index("ix_review_hearings_held_case", "held_on", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: 听证日期 and time
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)
    #: 听证地点
    place: Mapped[str] = mapped_column(String(100))
    #: 听证事项: what the parties are told will be heard.
    matters: Mapped[str] = mapped_column(Text)
    #: The day the notice of time, place and matters went out (Art. 51); None while it has not.
    notice_sent_on: Mapped[date | None] = mapped_column(Date)
    #: 被申请人的负责人参加听证: None until recorded after the hearing.
    head_attended: Mapped[bool | None] = mapped_column(Boolean)
    #: The head who attended (name, and main | deputy | other as hearings.rules.PRINCIPAL_TITLES).
    head_name: Mapped[str | None] = mapped_column(String(50))
    head_title: Mapped[str | None] = mapped_column(String(16))
    #: When the head could not attend: the reason given and the staff member sent instead (相应的工作人员).
    absence_reason: Mapped[str | None] = mapped_column(Text)
    delegate_name: Mapped[str | None] = mapped_column(String(50))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    case = relationship("Case", lazy="joined")

    __mapper_args__ = {"version_id_col": version}
