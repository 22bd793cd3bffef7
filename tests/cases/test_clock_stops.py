"""补正 and 中止 as the law counts them: the deadline rules, pure, with China's real 2026 holiday schedule."""

from datetime import date

from casetrack.cases import rules
from casetrack.cases.rules import Pause
from casetrack.workdays.rules import WorkCalendar, chinese_calendar_lookup

CALENDAR = WorkCalendar({}, chinese_calendar_lookup)
TODAY = date(2026, 12, 1)


def review(**values) -> dict:
    return {"kind": "review", "status": "accepted", "received_on": date(2026, 1, 2), **values}


def lawsuit(**values) -> dict:
    return {"kind": "litigation", "instance": "first", "status": "accepted", "received_on": date(2026, 1, 5), **values}


def deadline(case: dict, code: str) -> rules.Deadline:
    return next(d for d in rules.compute_deadlines(case, CALENDAR) if d.code == code)


def test_a_suspension_spanning_the_spring_festival_moves_the_decision_by_its_calendar_days():
    # Accepted Mon 5 Jan 2026: 60 days → Fri 6 Mar. Suspended 10 Feb, resumed 2 Mar: 20 days, 春节 (15–23 Feb) and the
    # 调休 Saturdays (14 and 28 Feb) included, since the decision period counts calendar days.
    case = review(accepted_on=date(2026, 1, 5))
    assert deadline(case, "decision").due_on == date(2026, 3, 6)
    paused = {**case, "suspensions": [Pause(date(2026, 2, 10), date(2026, 3, 2))]}
    moved = deadline(paused, "decision")
    assert moved.due_on == date(2026, 3, 26) and moved.paused_days == 20
    assert moved.basis == "Administrative Review Law Art. 62"


def test_a_working_day_period_paused_over_the_spring_festival_counts_the_make_up_saturdays_and_skips_the_holiday():
    pause = [Pause(date(2026, 2, 12), date(2026, 3, 2))]
    # Thu 12, Fri 13, Sat 14 (调休), then 24–27 Feb and Sat 28 (调休): 8 working days out of 18 calendar days.
    assert rules.paused_days(pause, date(2026, 2, 1), CALENDAR, working=True) == 8
    assert rules.paused_days(pause, date(2026, 2, 1), CALENDAR, working=False) == 18
    # Eight working days after Fri 6 Mar: Mon 9 … Wed 18 Mar.
    assert rules.extended_by_pauses(date(2026, 3, 6), 8, CALENDAR, working=True) == date(2026, 3, 18)


def test_two_suspensions_on_one_case_add_up():
    case = lawsuit(
        accepted_on=date(2026, 1, 5),
        suspensions=[Pause(date(2026, 2, 2), date(2026, 2, 12)), Pause(date(2026, 4, 1), date(2026, 4, 6))],
    )
    # Six months from 5 Jan is Sun 5 Jul, which rolls to Mon 6 Jul; plus 10 + 5 days suspended: Tue 21 Jul.
    trial = deadline(case, "first_instance_judgment")
    assert trial.paused_days == 15 and trial.due_on == date(2026, 7, 21)
    assert trial.basis == "Administrative Litigation Law Art. 81"


def test_while_suspended_no_deadline_runs_and_after_resuming_the_deadline_is_the_old_one_plus_the_days():
    # The copy and the answer are done, so the decision is the case's next deadline.
    before = review(accepted_on=date(2026, 6, 1), copy_sent_on=date(2026, 6, 2), answer_received_on=date(2026, 6, 10))
    old_due = deadline(before, "decision").due_on
    assert old_due == date(2026, 7, 31)
    running = {**before, "status": "suspended", "suspensions": [Pause(date(2026, 7, 1))]}
    decision = deadline(running, "decision")
    assert decision.suspended and decision.state(TODAY, 7) == "suspended"
    assert rules.is_paused(running)
    assert rules.next_open_deadline(rules.compute_deadlines(running, CALENDAR)) is None
    assert rules.derived_fields({**running, "number": "1"}, [], "", CALENDAR)["next_deadline_on"] is None
    resumed = {**before, "suspensions": [Pause(date(2026, 7, 1), date(2026, 7, 11))]}
    assert deadline(resumed, "decision").due_on == date(2026, 8, 10)  # 31 Jul + 10 days, a Monday
    assert rules.derived_fields({**resumed, "number": "1"}, [], "", CALENDAR)["next_deadline_on"] == date(2026, 8, 10)


def test_a_suspension_does_not_move_the_periods_the_law_does_not_stop():
    case = review(
        accepted_on=date(2026, 6, 1),
        copy_sent_on=date(2026, 6, 2),
        suspensions=[Pause(date(2026, 6, 3), date(2026, 6, 13))],
    )
    answer = deadline(case, "respondent_answer")
    assert answer.paused_days == 0 and answer.due_on == CALENDAR.add_working_days(date(2026, 6, 2), 10)


def test_a_correction_notice_holds_admission_until_the_material_and_restarts_its_five_working_days():
    received = date(2026, 3, 2)
    assert deadline(review(status="received", received_on=received), "admission").due_on == date(2026, 3, 9)
    waiting = review(status="correcting", received_on=received, correction={"notice_on": date(2026, 3, 4)})
    codes = [d.code for d in rules.compute_deadlines(waiting, CALENDAR)]
    assert codes == ["correction_notice", "correction_reply"]  # no admission period while waiting
    # Ten working days from the notice (Art. 31 with Art. 88): Thu 5 Mar … Wed 18 Mar.
    assert deadline(waiting, "correction_reply").due_on == date(2026, 3, 18)
    answered = {
        **waiting,
        "correction": {"notice_on": date(2026, 3, 4), "result": "received", "result_on": date(2026, 3, 16)},
    }
    admission = deadline(answered, "admission")
    assert admission.due_on == date(2026, 3, 23) and admission.basis == "Administrative Review Law Art. 30"


def test_a_correction_answered_late_with_an_extension_around_qingming():
    received = date(2026, 3, 23)
    # The notice is due within 5 working days (Mon 30 Mar); sent Wed 1 Apr, it is late, and recorded as such.
    notice = {"notice_on": date(2026, 4, 1), "notice_received_on": date(2026, 4, 2)}
    assert rules.correction_notice_late(received, notice["notice_on"], CALENDAR)
    waiting = review(status="correcting", received_on=received, correction=notice)
    assert deadline(waiting, "correction_notice").state(TODAY, 7) == "late"
    # Ten working days from Thu 2 Apr skip 清明 (4–6 Apr): 3, 7, 8, 9, 10, 13, 14, 15, 16, 17 Apr.
    assert rules.correction_due(notice, CALENDAR) == date(2026, 4, 17)
    assert rules.correction_extension_problems(date(2026, 4, 17), date(2026, 4, 17), "病")  # not later
    assert rules.correction_extension_problems(date(2026, 4, 17), date(2026, 5, 8), " ")  # no reason
    extended = {**notice, "extended_to": date(2026, 5, 8)}
    assert rules.correction_extension_problems(date(2026, 4, 17), date(2026, 5, 8), "申请人住院") == []
    # The material arrives after the ordinary ten days but within the extension: not late.
    answered = {**extended, "result": "received", "result_on": date(2026, 4, 28)}
    case = review(status="received", received_on=received, correction=answered)
    assert deadline(case, "correction_reply").state(TODAY, 7) == "done"
    # 5 working days after Tue 28 Apr, past 劳动节 (1–5 May): 29, 30 Apr, 6, 7, 8 May.
    assert deadline(case, "admission").due_on == date(2026, 5, 8)


def test_not_corrected_is_only_for_a_period_that_has_passed():
    notice = {"notice_on": date(2026, 3, 4)}
    early = rules.correction_result_problems("correction_abandoned", notice, date(2026, 3, 18), CALENDAR)
    assert [p.message for p in early] == ["The applicant's period to correct has not passed yet."]
    assert rules.correction_result_problems("correction_abandoned", notice, date(2026, 3, 19), CALENDAR) == []
    assert rules.correction_result_problems("correction_received", notice, date(2026, 3, 3), CALENDAR)
    abandoned = review(status="abandoned", correction={**notice, "result": "abandoned", "result_on": date(2026, 3, 19)})
    assert rules.next_open_deadline(rules.compute_deadlines(abandoned, CALENDAR)) is None


def test_a_suspension_names_a_statutory_ground_and_its_days_must_make_sense():
    def problems(**changes):
        values = {
            "kind": "review",
            "reason_code": "mediation",
            "reason_text": "",
            "suspended_on": date(2026, 3, 2),
            "resumed_on": None,
            "accepted_on": date(2026, 3, 1),
            "today": TODAY,
        }
        values.update(changes)
        return [p.field for p in rules.suspension_problems(**values)]

    assert problems() == []
    assert problems(reason_code="applicant_missing", kind="litigation") == ["reason_code"]  # not in 行诉解释 Art. 87
    assert problems(reason_code="other") == ["reason"]
    assert problems(reason_code="other", reason_text="等待鉴定") == []
    assert problems(kind="compensation") == ["reason_code"]
    assert problems(suspended_on=date(2026, 2, 28)) == ["suspended_on"]  # before acceptance
    assert problems(resumed_on=date(2026, 3, 1)) == ["resumed_on"]
    assert problems(suspended_on=date(2027, 3, 1)) == ["suspended_on"]  # has not happened


def test_suspensions_of_one_case_cannot_overlap_and_only_the_last_may_run():
    assert not rules.suspensions_overlap([Pause(date(2026, 1, 1), date(2026, 1, 10)), Pause(date(2026, 1, 10))])
    assert rules.suspensions_overlap([Pause(date(2026, 1, 1), date(2026, 1, 10)), Pause(date(2026, 1, 9))])
    assert rules.suspensions_overlap([Pause(date(2026, 1, 1)), Pause(date(2026, 2, 1), date(2026, 2, 2))])


def test_an_extension_of_the_decision_needs_its_approver_and_reason_and_moves_the_deadline():
    case = review(accepted_on=date(2026, 1, 5))
    extended = {**case, "extension_days": 30}
    assert deadline(extended, "decision").due_on == date(2026, 4, 7)  # 5 Apr (清明) + rolls past 6 Apr
    assert rules.suspended_days_so_far(date(2026, 11, 1), TODAY) == 31
