"""Judgment service and the appeal period (行政诉讼法 Art. 85), and the rules of linked cases — pure, no app."""

from datetime import date

import pytest

from casetrack.cases import rules
from casetrack.workdays.rules import WorkCalendar, chinese_calendar_lookup


def calendar():
    return WorkCalendar({}, chinese_calendar_lookup)


def appeal_of(**values):
    case = {
        "kind": "litigation",
        "instance": "first",
        "received_on": date(2026, 1, 5),
        "accepted_on": date(2026, 1, 6),
        "concluded_on": date(2026, 5, 11),
        "outcome": "revoked",
        **values,
    }
    return next((d for d in rules.compute_deadlines(case, calendar()) if d.code == "appeal"), None)


def test_a_judgment_may_be_appealed_within_15_days_of_service_not_of_the_conclusion():
    deadline = appeal_of(judgment_served_on=date(2026, 5, 20), ruling_kind="judgment")
    assert deadline.due_on == date(2026, 6, 4)
    assert "Art. 85" in deadline.basis


def test_a_ruling_may_be_appealed_within_10_days_of_service():
    assert appeal_of(judgment_served_on=date(2026, 5, 18), ruling_kind="ruling").due_on == date(2026, 5, 28)
    # A last day on a weekend rolls over too (a Saturday and Sunday are rest days, 法定休假日, as well).
    assert appeal_of(judgment_served_on=date(2026, 5, 20), ruling_kind="ruling").due_on == date(2026, 6, 1)


def test_an_unnamed_decision_counts_as_a_judgment():
    assert appeal_of(judgment_served_on=date(2026, 5, 20)).due_on == date(2026, 6, 4)


def test_an_appeal_period_ending_in_the_national_day_holiday_falls_due_on_the_first_day_after_it():
    # 民事诉讼法 Art. 85 (applied by 行政诉讼法 Art. 101): 16 Sep + 15 = 1 Oct, 国庆 → 8 Oct 2026.
    assert appeal_of(judgment_served_on=date(2026, 9, 16)).due_on == date(2026, 10, 8)
    # A ruling served on 21 Sep: 10 days end on 1 Oct too.
    assert appeal_of(judgment_served_on=date(2026, 9, 21), ruling_kind="ruling").due_on == date(2026, 10, 8)


def test_after_a_loss_the_appeal_is_the_units_to_decide_and_can_run_overdue():
    deadline = appeal_of(judgment_served_on=date(2026, 5, 20))
    assert not deadline.informational and not deadline.case_closed
    assert deadline.state(date(2026, 6, 1), 7) == "due_soon"
    assert deadline.state(date(2026, 6, 5), 7) == "overdue"
    decided = appeal_of(judgment_served_on=date(2026, 5, 20), appeal_decided_on=date(2026, 5, 28))
    assert decided.state(date(2026, 6, 5), 7) == "done"


def test_after_a_win_the_appeal_period_is_shown_for_information_only():
    deadline = appeal_of(judgment_served_on=date(2026, 5, 20), outcome="claim_rejected")
    assert deadline.informational and deadline.state(date(2026, 6, 5), 7) == "passed"


def test_the_appeal_period_is_not_an_open_deadline_of_the_list():
    case = {
        "kind": "litigation",
        "instance": "first",
        "received_on": date(2026, 1, 5),
        "concluded_on": date(2026, 5, 11),
        "outcome": "revoked",
        "judgment_served_on": date(2026, 5, 20),
    }
    # Only open cases have a next deadline in the list; the appeal has its own list.
    assert (
        rules.derived_fields({**case, "status": "concluded", "number": "x"}, [], "", calendar())["next_deadline_on"]
        is None
    )


@pytest.mark.parametrize(
    ("outcome", "instance", "expected"),
    [("revoked", "first", True), ("claim_rejected", "first", False), ("revoked", "second", False)],
)
def test_only_a_lost_first_instance_has_an_appeal_to_decide(outcome, instance, expected):
    assert rules.can_decide_appeal("litigation", instance, outcome) is expected


def values(**changes):
    return {
        "kind": "litigation",
        "number": "（2026）浙0183行初1号",
        "respondent_unit_id": 1,
        "matter": "penalty",
        "applicant_count": 1,
        "instance": "first",
        "received_on": date(2026, 1, 5),
        "accepted_on": date(2026, 1, 6),
        "concluded_on": date(2026, 5, 11),
        "outcome": "revoked",
        **changes,
    }


def problems(**changes):
    return {p.field: p.message for p in rules.validate_case(values(**changes), date(2026, 6, 30))}


def test_a_judgment_is_not_served_before_it_is_given():
    assert "judgment_served_on" in problems(judgment_served_on=date(2026, 5, 10))
    assert "judgment_served_on" in problems(concluded_on=None, outcome=None, judgment_served_on=date(2026, 5, 12))
    assert problems(judgment_served_on=date(2026, 5, 12)) == {}


def test_an_appeal_decision_needs_its_day_and_who_approved_it():
    found = problems(appeal_decision="no_appeal")
    assert {"appeal_decided_on", "appeal_approved_by"} <= set(found)
    assert problems(appeal_decision="maybe", appeal_decided_on=date(2026, 5, 20), appeal_approved_by="王局长")
    ok = problems(appeal_decision="no_appeal", appeal_decided_on=date(2026, 5, 20), appeal_approved_by="王局长")
    assert ok == {}
    won = problems(
        outcome="claim_rejected", appeal_decision="appeal", appeal_decided_on=date(2026, 5, 20), appeal_approved_by="王"
    )
    assert "appeal_decision" in won


def test_a_review_has_no_judgment_or_link():
    review = {"kind": "review", "instance": None, "outcome": "upheld"}
    assert "judgment_served_on" in problems(**review, judgment_served_on=date(2026, 5, 12))
    assert "related_case_id" in problems(**review, related_case_id=2, related_relation="appeal")


def test_a_second_instance_follows_a_first_and_a_lawsuit_after_review_is_a_first_instance():
    assert "related_relation" in problems(related_case_id=2, related_relation="appeal")
    assert problems(instance="second", related_case_id=2, related_relation="appeal") == {}
    assert "related_relation" in problems(instance="second", related_case_id=2, related_relation="after_review")
    assert "related_case_id" in problems(related_relation="after_review")
    assert "related_relation" in problems(related_case_id=2, related_relation="cousin")


FIRST = {"id": 1, "kind": "litigation", "instance": "first"}
SECOND = {"id": 2, "kind": "litigation", "instance": "second"}
REVIEW = {"id": 3, "kind": "review", "instance": None}


def test_a_link_names_a_case_of_the_kind_and_instance_its_relation_needs():
    assert rules.link_problems(SECOND, "appeal", FIRST, []) == []
    assert rules.link_problems(FIRST, "after_review", REVIEW, []) == []
    assert rules.link_problems({**SECOND, "id": 4}, "retrial", SECOND, [1]) == []
    assert rules.link_problems(SECOND, "appeal", REVIEW, [])
    assert rules.link_problems(FIRST, "after_review", SECOND, [])
    assert rules.link_problems(SECOND, "appeal", None, [])[0].field == "related_case_id"


def test_a_case_never_follows_itself_directly_or_round_a_cycle():
    assert rules.link_problems(SECOND, "retrial", SECOND, [])
    # 4 would follow 2, which already follows (through 5) 4.
    assert rules.link_problems({**SECOND, "id": 4}, "retrial", SECOND, [5, 4])


def test_a_ledger_link_means_what_its_target_can_only_mean():
    assert rules.relation_for_target("second", "litigation", "first") == "appeal"
    assert rules.relation_for_target("first", "review", None) == "after_review"
    assert rules.relation_for_target("second", "litigation", "second") == "retrial"
    assert rules.relation_for_target("first", "litigation", "first") is None
