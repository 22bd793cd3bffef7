"""Loading the demo district (casetrack.demo.plan) through the real services, as its people would have made it.

The years already concluded arrive as the mediation center's ledger (台账), checked and written by the ledger
import like any uploaded file; what is still open is registered case by case, its hearings scheduled and recorded,
its risk cases worked, as the staff, the units' liaisons and the legal bureau do it — on the day they did it, where a
service takes the day. Then the morning's jobs run for the demo's day: risk rescoring, overdue action items, the
reminders (in the app; no e-mail goes to the demo's addresses) — and last year's annual report is built, as the
January job does. No figure is written anywhere: the dashboard and the reports count these records."""

from __future__ import annotations

import io
import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from casetrack import clock
from casetrack.accounts import services as accounts
from casetrack.accounts.models import Unit, User
from casetrack.accounts.permissions import SYSTEM
from casetrack.case_file import services as case_file
from casetrack.cases import kinds
from casetrack.cases import services as cases
from casetrack.cases.ledger import CASE_SHEET
from casetrack.cases.models import Case
from casetrack.demo.case_file import site_photo, word_document
from casetrack.demo.plan import DEMO_OVERSEEN, DEMO_USERS, DEPARTMENTS, HEADS, LEADER_NAME, LEGAL, MEDIATOR, CaseRecord
from casetrack.demo.plan import district_plan as plan_district
from casetrack.documents.services import Upload, add_documents
from casetrack.extensions import db
from casetrack.hearings import services as hearings
from casetrack.hearings.models import Hearing
from casetrack.interviews import services as interviews
from casetrack.ledger.parsing import RawSheet
from casetrack.mediation import services as mediation
from casetrack.notifications import services as notifications
from casetrack.reports.services import store_annual_report
from casetrack.review_hearings import services as review_hearings
from casetrack.risk import queries as risk_queries
from casetrack.risk import services as risk

#: Story cases whose workflow ran to a conclusion through the services: registered, not imported.
WORKED_STORIES = frozenset({"crossed_off"})
#: An interview proposal the legal bureau has not acted on for this long has been held by then.
INTERVIEW_AFTER_DAYS = 45
RECTIFICATION = "对败诉案件逐案剖析原因，规范执法程序，一个月内书面报送整改情况"
PROCURATORATE, COURT, REVIEW_BODY = "杭州市富阳区人民检察院", "杭州市富阳区人民法院", "杭州市富阳区人民政府"
SUGGESTION_CONTENT = {
    "procuratorate": "你单位在行政处罚案件办理中存在送达程序不规范、证据收集不全面等问题，建议依法整改。",
    "judicial": "你单位负责人未出庭应诉，建议落实行政机关负责人出庭应诉制度。",
    "public_interest": "辖区内河道违法堆放建筑垃圾，损害社会公共利益，建议依法履行监管职责。",
}
SUGGESTION_MEASURES = "组织专题会议研究，逐项制定整改措施，明确责任科室和完成时限。"
SUGGESTION_EVIDENCE = "整改报告及现场照片已报送，见卷宗。"
RECTIFICATION_EVIDENCE = {
    "redo": "已重新作出行政行为，决定书见卷宗。",
    "perform": "已依法履行法定职责，履行情况书面报告见卷宗。",
    "compensate": "赔偿款已支付，支付凭证见卷宗。",
    "system": "已修订执法规程并组织全员培训，整改报告见卷宗。",
    "other": "已完成整改，材料见卷宗。",
}
#: When in the working day the demo's people enter what they did (the district's time).
OFFICE_HOUR = time(10, 0)


@contextmanager
def entered_on(day: date) -> Iterator[None]:
    """What the services record inside — audit entries, a flag's time, a head named — is stamped on ``day`` at
    office hours, as if typed then: without it a history made over two years reads as all entered at seeding time.
    Days ahead of the seeding (nothing is typed in the future) are stamped now."""
    saved = clock.source
    moment = datetime.combine(day, OFFICE_HOUR, tzinfo=clock.zone()).astimezone(UTC)
    if moment < saved():
        clock.source = lambda: moment
    try:
        yield
    finally:
        clock.source = saved


def demo_present() -> bool:
    return db.session.scalar(select(func.count(Case.id)).where(Case.number.like("%富政复%"))) > 0


def seed(today: date, rng_seed: int = 2020) -> dict:
    """Load the demo as it stands on ``today``; returns {"users": [...], "password": ..., "cases": N}. Safe to run
    again: existing data is kept and only the demo users' password is renewed."""
    password = "Demo-" + secrets.token_urlsafe(9)
    units = _units()
    users = _users(units, password)
    created = 0
    if not demo_present():
        district = _District(plan_district(today, rng_seed), units, today, rng_seed)
        district.load()
        created = len(district.plan.cases)
    db.session.flush()
    return {"users": users, "password": password, "cases": created}


def _units() -> dict[str, Unit]:
    units = {}
    for name, kind, head in DEPARTMENTS:
        unit = accounts.find_unit(name) or accounts.save_unit(None, SYSTEM, name=name, kind=kind, head_name=head)
        units[name] = unit
    return units


def _users(units: dict[str, Unit], password: str) -> list[tuple[str, str, str]]:
    rows = []
    password_hash = accounts.hash_password(password)
    for username, role, unit_name, display in DEMO_USERS:
        user = accounts.find_user(username)
        if user is None:
            accounts.create_user(
                username,
                role,
                password,
                SYSTEM,
                unit=units.get(unit_name),
                email=f"{username}@demo.example.com",
                display_name=display,
                password_hash=password_hash,
                must_change=False,
            )
        else:
            user.password_hash = password_hash
            user.must_change_password = False
            accounts.set_active(user, True, SYSTEM)
        if username in DEMO_OVERSEEN:
            overseen = [units[name] for name in DEMO_OVERSEEN[username]]
            accounts.set_overseen_units(accounts.find_user(username), overseen, SYSTEM)
        rows.append((username, role, unit_name or ""))
    return rows


class _District:
    def __init__(self, plan, units: dict[str, Unit], today: date, rng_seed: int):
        self.plan, self.units, self.today = plan, units, today
        self.rng = random.Random(f"{rng_seed}:services")
        self.people: dict[str, User] = {username: accounts.find_user(username) for username, *_ in DEMO_USERS}
        #: Each unit's liaison, who records its hearings and names its heads.
        self.liaisons = {user.unit.name: user for user in self.people.values() if user.unit is not None}
        #: Case number → the Case registered through the case services.
        self.registered: dict[str, Case] = {}

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def load(self) -> None:
        imported = [c for c in self.plan.cases if not c.is_open and c.story not in WORKED_STORIES]
        self.import_ledger(imported)
        self.record_absences(imported)
        for record in self.plan.cases:
            if record.is_open or record.story in WORKED_STORIES:
                self.register(record)
        self.play_stories()
        self.case_file()
        self.mediations()
        self.interviews()
        self.closing_the_loop()
        store_annual_report(self.today.year - 1)  # the 5 January job, actor the system
        self.morning()

    # --- the past years: one ledger import ---------------------------------------------------------------------

    def import_ledger(self, records: list[CaseRecord]) -> None:
        """The concluded cases and their hearings, as the 案件 and 庭审 sheets of one ledger, through the import's
        checks. A head's absence is left blank here: its reason and approval are recorded afterwards."""
        from casetrack.hearings.ledger import HEARING_SHEET
        from casetrack.ledger.services import import_sheets

        case_rows = [
            {
                "number": c.number,
                "kind": c.kind,
                "instance": c.instance,
                "respondent": c.unit,
                "applicant": "、".join(a["name"] for a in c.applicants),
                "applicant_count": c.applicant_count,
                "matter": c.matter,
                "received_on": c.received_on,
                "accepted_on": c.accepted_on,
                "concluded_on": c.concluded_on,
                "outcome": c.outcome,
                "amount_claimed_fen": c.amount_claimed,
                "amount_granted_fen": c.amount_granted,
                "related_case": c.related_case,
            }
            for c in records
        ]
        hearing_rows = [
            {
                "case_number": c.number,
                "held_on": h.held_on,
                "appeared": "是" if h.appeared else None,
                "principal_name": h.principal_name if h.appeared else None,
                "principal_title": h.principal_title if h.appeared else None,
                "spoke": ("是" if h.spoke else "否") if h.appeared else None,
                "court": h.court,
            }
            for c in records
            for h in c.hearings
        ]
        sheets = [_sheet(CASE_SHEET, case_rows), _sheet(HEARING_SHEET, hearing_rows)]
        report = import_sheets(sheets, self.people[MEDIATOR], self.today, "富阳区行政争议台账（历年）.xlsx")
        if not report.applied:
            raise RuntimeError("the demo's ledger was refused: " + "; ".join(report.error_lines()[:5]))

    def record_absences(self, records: list[CaseRecord]) -> None:
        """Hearings no head attended: the reason as recorded, and the legal bureau's approval."""
        absent = {(c.number, h.held_on): h for c in records for h in c.hearings if h.appeared is False}
        rows = db.session.execute(
            select(Hearing, Case.number).join(Case, Case.id == Hearing.case_id).where(Hearing.appeared.is_(None))
        ).all()
        for hearing, number in rows:
            if (planned := absent.get((number, hearing.held_on))) is not None:
                self.record_hearing(hearing, planned, hearing.case.respondent_unit.name)

    # --- what is still open, and the cases worked through a workflow -----------------------------------------------

    def register(self, record: CaseRecord) -> Case:
        """Registered by its handler (or the unit's liaison) on the day given, or today; progress made after that
        day is entered today."""
        on = record.registered_on or self.today
        actor = self.people[record.registered_by or record.handler or MEDIATOR]
        data = {
            "kind": record.kind,
            "number": record.number,
            "instance": record.instance,
            "respondent_unit_id": self.units[record.unit].id,
            "matter": record.matter,
            "applicants": record.applicants,
            "applicant_count": record.applicant_count,
            "received_on": record.received_on,
            "summary": record.summary,
            "handler_id": self.people[record.handler].id if record.handler else None,
        }
        if record.amount_claimed is not None:
            data["amount_claimed_fen"] = kinds.fen(record.amount_claimed)
        progress = {
            name: getattr(record, name)
            for name in ("accepted_on", "served_on", "defence_filed_on", "copy_sent_on", "answer_received_on")
            if getattr(record, name) is not None
        }
        with entered_on(on):
            case = cases.register_case(data | {k: v for k, v in progress.items() if v <= on}, actor, on)
        later = {k: v for k, v in progress.items() if v > on}
        if later:
            with entered_on(max(later.values())):
                cases.update_case(case, later, actor, self.today, expected_version=None)
        for planned in record.hearings:
            with entered_on(min(planned.held_on - timedelta(days=20), self.today)):
                hearing = hearings.schedule_hearing(
                    case, actor, held_on=planned.held_on, court=planned.court, courtroom=planned.courtroom
                )
            self.record_hearing(hearing, planned, record.unit, actor)
        self.registered[record.number] = case
        return case

    def record_hearing(self, hearing: Hearing, planned, unit: str, actor=None) -> None:
        """Who appeared (recorded by the unit's liaison where it has one), the head named for one coming up, and the
        legal bureau's approval of an absence unless it still waits for it."""
        recorder = self.liaisons.get(unit) or actor or self.people[MEDIATOR]
        if planned.held_on >= self.today:
            if planned.principal_name:
                hearings.name_principal(hearing, recorder, name=planned.principal_name, title=planned.principal_title)
            return
        if planned.appeared is None:
            return
        with entered_on(planned.held_on):
            self._record_appearance(hearing, planned, recorder)

    def _record_appearance(self, hearing: Hearing, planned, recorder) -> None:
        hearings.record_appearance(
            hearing,
            recorder,
            self.today,
            appeared=planned.appeared,
            name=planned.principal_name or "",
            title=planned.principal_title,
            spoke=planned.spoke,
            absence_reason=planned.absence_reason or "",
        )
        if planned.appeared is False and not planned.absence_pending:
            hearings.approve_absence(hearing, self.people[LEGAL])

    def play_stories(self) -> None:
        people, ago, today = self.people, self.ago, self.today
        legal, mediator = people[LEGAL], people[MEDIATOR]

        # The task force: flagged for an evidence gap five weeks ago, confirmed; the unit's measure is overdue.
        case = self.story_case("task_force")
        with entered_on(ago(35)):
            risk.flag_case(case, "evidence_gap", "补偿评估报告未送达申请人", mediator, ago(35))
        with entered_on(ago(34)):
            task_force = risk.confirm(self.risk_case(case), legal, legal_lead=legal, unit_lead=people["fuchun"])
            evidence_review = self._task_force_measures(task_force)
        with entered_on(ago(29)):
            risk.complete_item(
                evidence_review,
                legal,
                done_on=ago(29),
                evidence="评估材料已调取归档，确认评估报告未送达",
                today=ago(29),
            )
        with entered_on(ago(20)):
            risk.add_item(
                task_force,
                legal,
                text="与申请人代表面谈，形成补偿安置调解方案",
                side="unit",
                owner=people["fuchun"],
                due_on=today + timedelta(days=8),
                today=ago(20),
            )

        # Flagged by hand yesterday: the legal bureau reviews it this morning.
        with entered_on(ago(1)):
            risk.flag_case(
                self.story_case("awaiting_review"), "hand", "申请人扬言组织集体上访，建议提级研判", mediator, ago(1)
            )

        # The unit won and reports the outcome; the legal bureau confirms it.
        cases.report_outcome(
            self.story_case("outcome_report"),
            people["fuchun"],
            today,
            outcome="claim_rejected",
            concluded_on=ago(4),
            note="一审判决驳回原告诉讼请求，判决书已送达",
        )

        # Suspended for a mediation ten weeks ago; the handler is reminded this morning to resume it when it ends.
        with entered_on(ago(70)):
            cases.transition(
                self.story_case("suspended"),
                "suspend",
                mediator,
                today,
                on=ago(70),
                reason_code="mediation",
                reason="申请人与被申请人同意调解，调解期间中止审理",
            )
        # The application lacked the decision it contests: the legal bureau asked for it, once, two days ago.
        with entered_on(ago(2)):
            cases.transition(
                self.story_case("correcting"),
                "request_correction",
                legal,
                today,
                on=ago(2),
                items="1. 被申请人作出的工伤认定决定书；2. 申请人身份证明复印件",
            )

        # A 听证 the legal bureau set a week ago for four days ahead; its notice is still to go out.
        with entered_on(ago(7)):
            review_hearings.schedule_review_hearing(
                self.story_case("review_hearing"),
                legal,
                ago(7),
                held_on=today + timedelta(days=4),
                place="区司法局行政复议听证室",
                matters="限期拆除决定认定的事实是否清楚、程序是否合法",
            )

        # Heard the day before yesterday, notified twelve days before; the unit recorded its deputy head's attendance.
        with entered_on(ago(12)):
            heard = review_hearings.schedule_review_hearing(
                self.story_case("review_heard"),
                legal,
                ago(12),
                held_on=ago(2),
                place="区司法局行政复议听证室",
                matters="处罚决定认定的违法事实和处罚幅度",
                notice_sent_on=ago(12),
            )
        with entered_on(ago(2)):
            review_hearings.record_attendance(
                heard, people["shijianju"], ago(2), attended=True, name="黄建军", title="deputy"
            )

        # Half a year ago: flagged, worked by a task force, withdrawn by the plaintiff, crossed off.
        record = self.plan.story("crossed_off")
        case = self.story_case("crossed_off")
        with entered_on(ago(190)):
            risk.flag_case(case, "hand", "被处罚企业多次拨打12345热线投诉，舆情风险较高", mediator, ago(190))
        with entered_on(ago(189)):
            worked = risk.confirm(self.risk_case(case), legal, legal_lead=legal, unit_lead=people["shijianju"])
        for side, owner, text, due, finished in (
            ("legal", legal, "组织法律顾问研判处罚程序和证据", ago(176), ago(178)),
            ("unit", people["shijianju"], "重新核查处罚程序，向原告释法说理", ago(170), ago(172)),
        ):
            with entered_on(ago(189)):
                item = risk.add_item(worked, legal, text=text, side=side, owner=owner, due_on=due, today=ago(189))
            with entered_on(finished):
                risk.complete_item(item, owner, done_on=finished, evidence="已完成，材料附卷", today=finished)
        with entered_on(record.concluded_on):
            cases.transition(case, "conclude", legal, today, on=record.concluded_on, outcome=record.outcome)
        with entered_on(record.concluded_on + timedelta(days=2)):
            risk.request_cross_off(worked, people["shijianju"], "withdrawn")
        with entered_on(record.concluded_on + timedelta(days=3)):
            risk.approve(worked, legal, record.concluded_on + timedelta(days=3))

    def _task_force_measures(self, task_force):
        """The two measures the legal bureau set the day the task force formed; returns its own side's."""
        people, ago, legal = self.people, self.ago, self.people[LEGAL]
        evidence_review = risk.add_item(
            task_force,
            legal,
            text="调取并审查补偿评估全部材料",
            side="legal",
            owner=legal,
            due_on=ago(27),
            today=ago(34),
        )
        risk.add_item(
            task_force,
            legal,
            text="向申请人补充送达评估报告并组织听证",
            side="unit",
            owner=people["fuchun"],
            due_on=ago(4),
            today=ago(34),
        )
        return evidence_review

    def case_file(self) -> None:
        """The task-force review's file: the application as received, the unit's answer, a photograph of the site."""
        case, ago = self.story_case("task_force"), self.ago
        unit = case.respondent_unit.name
        applicants = "、".join(a.name for a in case.applicants[:3]) + ("等" if len(case.applicants) > 3 else "")
        documents = (
            (
                ago(40),
                self.people[MEDIATOR],
                "application",
                "行政复议申请书",
                applicants,
                word_document(
                    "行政复议申请书",
                    [
                        f"申请人：{applicants}。被申请人：{unit}。",
                        "行政复议请求：撤销被申请人作出的征收补偿安置决定，责令其重新作出决定。",
                        "事实和理由：被申请人未向申请人送达补偿评估报告，补偿标准明显低于同地段市场价格，"
                        "申请人多次反映未获答复。",
                    ],
                    ago(40),
                ),
                "行政复议申请书.docx",
            ),
            (
                ago(26),
                self.people["fuchun"],
                "answer",
                "行政复议答复书",
                unit,
                word_document(
                    "行政复议答复书",
                    [
                        f"答复人：{unit}。",
                        "答复人作出的征收补偿安置决定认定事实清楚，程序合法，补偿标准依据评估结果确定。"
                        "评估报告已于公示期内在征收范围内公告。",
                        "证据：一、征收补偿安置方案及公告；二、评估报告；三、现场照片。",
                    ],
                    ago(26),
                ),
                "行政复议答复书.docx",
            ),
            (ago(26), self.people["fuchun"], "evidence", "征收范围现场照片", unit, site_photo(), "现场照片.png"),
        )
        stored = {}
        for day, actor, category, title, given_by, content, filename in documents:
            with entered_on(day):
                (stored[category],) = add_documents(
                    "case",
                    case,
                    actor,
                    uploads=[Upload(io.BytesIO(content), filename)],
                    category=category,
                    title=title,
                    dated_on=day,
                    given_by=given_by,
                )
        legal = self.people[LEGAL]
        with entered_on(ago(38)):
            case_file.generate(case, "acceptance_notice", legal, ago(38))
        with entered_on(ago(36)):
            case_file.record_service(
                case,
                legal,
                ago(36),
                direction="sent",
                what="行政复议申请书副本、提出答复通知书",
                party=unit,
                method="electronic",
                served_on=ago(36),
                document_id=stored["application"].id,
            )
        with entered_on(ago(26)):
            case_file.add_evidence_item(
                case,
                self.people["fuchun"],
                name="征收范围现场照片",
                source=unit,
                proves="征收范围内房屋现状",
                document_id=stored["evidence"].id,
            )

    def story_case(self, name: str) -> Case:
        return self.registered[self.plan.story(name).number]

    @staticmethod
    def risk_case(case: Case):
        return risk_queries.risk_case_of(case.id)

    # --- the mediation center -----------------------------------------------------------------------------------

    def mediations(self) -> None:
        mediator = self.people[MEDIATOR]
        for planned in self.plan.mediations:
            with entered_on(planned.received_on):
                record = self._register_mediation(planned, mediator)
            for day in planned.sessions:
                with entered_on(day):
                    mediation.add_session(
                        record,
                        mediator,
                        self.today,
                        held_on=day,
                        participants="双方当事人",
                        notes="听取双方意见，释法说理",
                    )
            if planned.result:
                with entered_on(planned.concluded_on):
                    mediation.close_mediation(
                        record,
                        mediator,
                        self.today,
                        result=planned.result,
                        concluded_on=planned.concluded_on,
                        agreement=planned.agreement,
                    )

    def _register_mediation(self, planned, mediator):
        return mediation.register_mediation(
            {
                "number": planned.number,
                "respondent_unit_id": self.units[planned.unit].id,
                "source": planned.source,
                "parties": planned.parties,
                "subject": planned.subject,
                "received_on": planned.received_on,
            },
            mediator,
            self.today,
        )

    # --- interviews: the legal bureau holds the proposed ones, except the most recent -------------------------------

    def interviews(self) -> None:
        """Over the last two years, every quarter, the units proposed for an interview (a lost case, overdue items)
        for more than INTERVIEW_AFTER_DAYS were interviewed; the latest proposals are still waiting on the day."""
        first = date(self.today.year - 2, 3, 31)
        days = [
            date(y, m, d)
            for y in range(first.year, self.today.year + 1)
            for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))
        ]
        for day in [d for d in days if first <= d < self.today] + [self.today]:
            for proposal in interviews.proposals(day):
                if proposal.since > day - timedelta(days=INTERVIEW_AFTER_DAYS):
                    continue
                held = min(proposal.since + timedelta(days=self.rng.randint(14, 40)), day)
                with entered_on(held):
                    interview = self._record_interview(proposal, held, day)
                rectified = held + timedelta(days=self.rng.randint(20, 40))
                if rectified <= self.today:
                    with entered_on(rectified):
                        interviews.mark_rectified(interview, self.people[LEGAL], rectified, self.today)

    def _record_interview(self, proposal, held: date, day: date):
        return interviews.record_interview(
            {
                "held_on": held,
                "leader_name": LEADER_NAME,
                "unit_id": proposal.unit.id,
                "interviewee": f"{HEADS[proposal.unit.name]}（主要负责人）",
                "reason": "loss" if proposal.lost_cases else "overdue_items",
                "rectification_required": RECTIFICATION,
                "case_ids": self.lost_cases(proposal.unit.id, held),
            },
            self.people[LEGAL],
            day,
        )

    @staticmethod
    def lost_cases(unit_id: int, held: date) -> list[int]:
        return list(
            db.session.scalars(
                select(Case.id).where(
                    Case.respondent_unit_id == unit_id,
                    Case.is_lost,
                    Case.concluded_on.between(held - timedelta(days=365), held),
                )
            )
        )

    # --- suggestions, rectification and reasons (issue 14) -----------------------------------------------------

    def closing_the_loop(self) -> None:
        self.past_suggestions()
        self.current_suggestions()
        self.rectification()
        self.reasons()

    def _unit_names(self) -> list[str]:
        return sorted(name for name in self.units if name in HEADS)

    def past_suggestions(self) -> None:
        """The seed's 2020: "全区各单位接受检察建议34份并整改完毕" — 34 procuratorial suggestions (8 of them before a
        public-interest suit), each replied to and rectified, brought in as the 建议 sheet of a ledger; with them a
        few judicial suggestions and review opinions of 2019 and 2020."""
        from casetrack.ledger.services import import_sheets
        from casetrack.suggestions.ledger import SUGGESTION_SHEET

        names, rows = self._unit_names(), []

        def row(number, kind, issuer, received, replied_after, rectified_after):
            rows.append(
                {
                    "number": number,
                    "kind": kind,
                    "issuer": issuer,
                    "units": self.rng.choice(names),
                    "received_on": received,
                    "replied_on": received + timedelta(days=replied_after) if replied_after is not None else None,
                    "rectified_on": received + timedelta(days=rectified_after) if rectified_after is not None else None,
                }
            )

        for year, count in ((2019, 29), (2020, 34)):
            for n in range(1, count + 1):
                received = date(year, 1, 1) + timedelta(days=self.rng.randint(0, 300))
                kind = "公益诉讼诉前检察建议" if n % 4 == 0 and (year == 2019 or n <= 32) else "检察建议"
                row(
                    f"富检行建〔{year}〕{n}号",
                    kind,
                    PROCURATORATE,
                    received,
                    self.rng.randint(20, 55),
                    self.rng.randint(40, 58),
                )
            for n in range(1, 4):
                received = date(year, 3, 1) + timedelta(days=self.rng.randint(0, 240))
                row(
                    f"（{year}）浙0111司建{n}号",
                    "司法建议",
                    COURT,
                    received,
                    self.rng.randint(10, 28),
                    self.rng.randint(30, 60),
                )
            received = date(year, 5, 10) + timedelta(days=self.rng.randint(0, 120))
            row(
                f"富政复意〔{year}〕1号",
                "复议意见书",
                REVIEW_BODY,
                received,
                self.rng.randint(20, 50),
                self.rng.randint(40, 58),
            )
        report = import_sheets(
            [_sheet(SUGGESTION_SHEET, rows)], self.people[LEGAL], self.today, "富阳区司法建议检察建议台账.xlsx"
        )
        if not report.applied:
            raise RuntimeError("the demo's suggestions were refused: " + "; ".join(report.error_lines()[:5]))

    def current_suggestions(self) -> None:
        """This year's: one a unit is late replying to (its unit is proposed for an interview), one due within the
        week, one replied to and being rectified, and one whose rectification waits for the legal bureau."""
        from casetrack.suggestions import services as suggestions

        # The units whose liaisons sign in to the demo, so the replies and the rectification are theirs to see.
        legal, names = self.people[LEGAL], sorted(self.liaisons)
        year = self.today.year
        stories = (
            ("procuratorate", f"富检行建〔{year}〕{3}号", PROCURATORATE, 80, None),
            ("procuratorate", f"富检行建〔{year}〕{7}号", PROCURATORATE, 55, None),
            ("judicial", f"（{year}）浙0111司建{2}号", COURT, 40, "reply"),
            ("public_interest", f"富检行公建〔{year}〕{1}号", PROCURATORATE, 70, "report_rectified"),
        )
        for index, (kind, number, issuer, days_ago, reached) in enumerate(stories):
            received = self.ago(days_ago)
            unit = self.units[names[index % len(names)]]
            with entered_on(received):
                suggestion = suggestions.register_suggestion(
                    {
                        "number": number,
                        "kind": kind,
                        "issuer": issuer,
                        "received_on": received,
                        "unit_ids": [unit.id],
                        "content": SUGGESTION_CONTENT[kind],
                    },
                    legal,
                    self.today,
                )
            liaison = self.liaisons.get(unit.name, legal)
            if reached in ("reply", "report_rectified"):
                replied = received + timedelta(days=20)
                with entered_on(replied):
                    suggestions.act(suggestion, "reply", liaison, self.today, on=replied, text=SUGGESTION_MEASURES)
            if reached == "report_rectified":
                done = received + timedelta(days=45)
                with entered_on(done):
                    suggestions.act(
                        suggestion, "report_rectified", liaison, self.today, on=done, text=SUGGESTION_EVIDENCE
                    )

    def rectification(self) -> None:
        """Every correction and loss gets its items; those due more than a month ago were done (most on time), the
        rest are open and two are overdue."""
        from casetrack.rectification import services as rectification
        from casetrack.rectification.models import RectificationItem

        rectification.sweep(self.today)
        items = list(
            db.session.scalars(select(RectificationItem).order_by(RectificationItem.due_on, RectificationItem.id))
        )
        overdue_left = 2
        for item in items:
            if item.due_on >= self.ago(30):
                continue
            if item.due_on >= self.ago(120) and overdue_left:
                overdue_left -= 1
                continue
            done = item.due_on - timedelta(days=self.rng.randint(-10, 40))
            done = min(max(done, item.case.concluded_on), self.today)
            liaison = self.liaisons.get(item.unit.name, self.people[LEGAL])
            with entered_on(done):
                rectification.complete_item(
                    item, liaison, self.today, done_on=done, evidence=RECTIFICATION_EVIDENCE[item.action]
                )

    def reasons(self) -> None:
        """The legal bureau coded why each correction and loss since 2020 happened."""
        from casetrack.rectification import services as rectification
        from casetrack.stats.queries import Period, adverse_cases

        reasons = {reason.code: reason.id for reason in rectification.reasons()}
        weights = (("facts_unclear", 5), ("procedure", 4), ("wrong_law", 2), ("clearly_improper", 1), ("inaction", 2))
        codes = [code for code, weight in weights for _ in range(weight)]
        cases = db.session.scalars(
            select(Case).where(adverse_cases(Period(date(2020, 1, 1), self.today))).order_by(Case.id)
        )
        for case in cases:
            chosen = {self.rng.choice(codes)}
            if self.rng.random() < 0.25:
                chosen.add(self.rng.choice(codes))
            rectification.code_reasons(case, self.people[LEGAL], [reasons[code] for code in sorted(chosen)], "")

    # --- the demo's first morning ----------------------------------------------------------------------------------

    def morning(self) -> None:
        """Yesterday's notifications were read; then the night's and the morning's jobs run for the demo's day."""
        for user in self.people.values():
            notifications.mark_read(user.id)
        risk.rescore(self.today)  # 01:30
        risk.flag_overdue_items(self.today)  # 07:00
        notifications.notify_due(self.today)  # 07:30, in the app


def _sheet(spec, rows: list[dict]) -> RawSheet:
    """Rows of a ledger sheet (column key → cell) as the import reads a sheet; the header is row 1."""
    columns = [column.key for column in spec.columns]
    return RawSheet(
        spec.sheet_names[0],
        [column.title for column in spec.columns],
        [(number, [row.get(key) for key in columns]) for number, row in enumerate(rows, start=2)],
    )
