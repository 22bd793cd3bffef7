from datetime import date

import pytest

from casetrack.cases import rules
from casetrack.cases.kinds import counts_as
from casetrack.workdays.rules import WorkCalendar, chinese_calendar_lookup
from tests.people import person

TODAY = date(2026, 11, 26)


def valid(**changes):
    values = {
        "kind": "review",
        "number": "富政复〔2026〕1号",
        "respondent_unit_id": 1,
        "matter": "penalty",
        "instance": None,
        "applicant_count": 1,
        "received_on": date(2026, 3, 2),
    }
    values.update(changes)
    return values


def fields(problems):
    return {p.field for p in problems}


def test_a_complete_case_has_no_problems():
    assert rules.validate_case(valid(), TODAY) == []


@pytest.mark.parametrize(
    "kind, outcome",
    [("review", "withdrawn"), ("review", "compensation"), ("litigation", "upheld"), ("litigation", "terminated")],
)
def test_an_outcome_of_the_other_kind_is_refused(kind, outcome):
    values = valid(
        kind=kind,
        instance="first" if kind == "litigation" else None,
        accepted_on=date(2026, 3, 3),
        concluded_on=date(2026, 4, 1),
        outcome=outcome,
    )
    assert "outcome" in fields(rules.validate_case(values, TODAY))


def test_an_outcome_needs_a_conclusion_date_and_a_conclusion_needs_an_outcome():
    assert "outcome" in fields(rules.validate_case(valid(outcome="upheld"), TODAY))
    assert "outcome" in fields(rules.validate_case(valid(concluded_on=date(2026, 4, 1)), TODAY))


def test_concluding_before_receiving_or_accepting_is_refused():
    problems = rules.validate_case(
        valid(accepted_on=date(2026, 3, 10), concluded_on=date(2026, 3, 5), outcome="upheld"), TODAY
    )
    assert "concluded_on" in fields(problems)
    assert "concluded_on" in fields(rules.validate_case(valid(concluded_on=date(2026, 2, 1), outcome="upheld"), TODAY))


def test_dates_in_the_future_are_refused():
    assert "received_on" in fields(rules.validate_case(valid(received_on=date(2026, 12, 1)), TODAY))


def test_instance_belongs_to_litigation_only():
    assert "instance" in fields(rules.validate_case(valid(instance="first"), TODAY))
    assert "instance" in fields(rules.validate_case(valid(kind="litigation", instance=None), TODAY))
    assert rules.validate_case(valid(kind="litigation", instance="second"), TODAY) == []


def test_an_extension_is_at_most_30_days_and_names_its_approver():
    assert "extension_days" in fields(rules.validate_case(valid(extension_days=31, extension_approved_by="王"), TODAY))
    assert "extension_approved_by" in fields(rules.validate_case(valid(extension_days=30), TODAY))
    assert "extension_reason" in fields(
        rules.validate_case(valid(extension_days=30, extension_approved_by="王"), TODAY)
    )
    extension = {"extension_days": 30, "extension_approved_by": "王局长", "extension_reason": "案情复杂"}
    assert rules.validate_case(valid(**extension), TODAY) == []


def test_the_status_machine_allows_only_its_transitions():
    assert rules.next_status("received", "accept") == "accepted"
    assert rules.next_status("accepted", "conclude") == "concluded"
    assert rules.next_status("suspended", "resume") == "accepted"
    assert rules.next_status("received", "conclude") is None
    assert rules.next_status("concluded", "accept") is None
    assert rules.next_status("suspended", "conclude") is None
    assert rules.next_status("not_accepted", "accept") is None


def test_only_legal_and_admin_may_reopen():
    assert "reopen" in rules.allowed_actions("concluded", person("legal"), 1)
    assert "reopen" in rules.allowed_actions("concluded", person("admin"), 1)
    assert rules.allowed_actions("concluded", person("mediator"), 1) == []
    assert set(rules.allowed_actions("received", person("mediator"), 1, "litigation")) == {"accept", "decline"}
    # 补正 is a review office's step (行政复议法 Art. 31), and the review office's, not the respondent unit's.
    assert "request_correction" in rules.allowed_actions("received", person("mediator"), 1, "review")
    assert "request_correction" not in rules.allowed_actions("received", person("unit", unit_id=1), 1, "review")
    assert "conclude" in rules.allowed_actions("accepted", person("mediator"), 1)


def test_a_unit_liaison_may_not_conclude_even_its_own_units_case():
    liaison = person("unit", unit_id=1)
    assert "conclude" not in rules.allowed_actions("accepted", liaison, 1)
    assert "suspend" in rules.allowed_actions("accepted", liaison, 1)
    assert rules.allowed_actions("accepted", liaison, 2) == []


def test_corrected_and_lost_follow_the_spec_lists():
    assert counts_as("corrected", "review", "revoked") and not counts_as("corrected", "review", "upheld")
    assert not counts_as("corrected", "litigation", "revoked")
    assert counts_as("lost", "litigation", "compensation") and not counts_as("lost", "litigation", "withdrawn")
    assert not counts_as("lost", "review", "compensation")
    assert counts_as("granted", "compensation", "partly_granted") and not counts_as(
        "granted", "compensation", "refused"
    )
    assert not counts_as("lost", "compensation", "granted")  # a claim paid is not a lawsuit lost


def test_group_case_starts_at_five_applicants():
    assert not rules.is_group_case(4) and rules.is_group_case(5)


def calendar():
    return WorkCalendar({}, chinese_calendar_lookup)


def by_code(deadlines):
    return {d.code: d for d in deadlines}


def test_review_received_right_before_the_spring_festival_gets_its_admission_deadline_after_it():
    deadlines = by_code(rules.compute_deadlines({"kind": "review", "received_on": date(2026, 2, 13)}, calendar()))
    assert deadlines["admission"].due_on == date(2026, 2, 27)
    assert not deadlines["admission"].estimated


def test_review_decision_is_due_60_days_after_acceptance_30_under_simple_procedure_plus_extension():
    base = {"kind": "review", "received_on": date(2026, 3, 2), "accepted_on": date(2026, 3, 4)}
    assert by_code(rules.compute_deadlines(base, calendar()))["decision"].due_on == date(
        2026, 5, 6
    )  # 3 May is Sunday holiday → 6 May
    simple = by_code(rules.compute_deadlines({**base, "procedure": "simple"}, calendar()))["decision"]
    assert simple.due_on == date(2026, 4, 3)
    extended = by_code(rules.compute_deadlines({**base, "extension_days": 30}, calendar()))["decision"]
    assert extended.due_on == date(2026, 6, 2)


def test_copy_and_answer_periods_count_working_days():
    deadlines = by_code(
        rules.compute_deadlines(
            {
                "kind": "review",
                "received_on": date(2026, 9, 24),
                "accepted_on": date(2026, 9, 25),
                "copy_sent_on": date(2026, 9, 28),
            },
            calendar(),
        )
    )
    # The National Day holiday (1–7 Oct 2026) lies inside the 10 working days, so the answer is due after it.
    copy = deadlines["copy_to_respondent"]
    assert copy.done_on == date(2026, 9, 28) and copy.state(date(2026, 9, 29), 7) == "done"
    assert deadlines["respondent_answer"].due_on > date(2026, 10, 8)


def test_litigation_defence_first_instance_and_appeal_periods():
    case = {
        "kind": "litigation",
        "instance": "first",
        "received_on": date(2026, 1, 5),
        "accepted_on": date(2026, 1, 6),
        "served_on": date(2026, 1, 8),
    }
    deadlines = by_code(rules.compute_deadlines(case, calendar()))
    assert deadlines["defence"].due_on == date(2026, 1, 23)
    assert deadlines["first_instance_judgment"].due_on == date(2026, 7, 6)
    concluded = {**case, "concluded_on": date(2026, 5, 11), "outcome": "claim_rejected"}
    # The appeal period runs from service of the judgment (行政诉讼法 Art. 85), so none is shown before it is served.
    assert "appeal" not in by_code(rules.compute_deadlines(concluded, calendar()))
    served = by_code(rules.compute_deadlines({**concluded, "judgment_served_on": date(2026, 5, 11)}, calendar()))
    assert served["appeal"].due_on == date(2026, 5, 26) and served["appeal"].informational


def test_second_instance_has_no_first_instance_deadline():
    deadlines = by_code(
        rules.compute_deadlines(
            {"kind": "litigation", "instance": "second", "received_on": date(2026, 1, 5)}, calendar()
        )
    )
    assert "first_instance_judgment" not in deadlines


def test_deadline_states_for_the_overdue_filter():
    deadline = rules.Deadline("x", "x", "x", date(2026, 11, 20), None, False)
    assert deadline.state(date(2026, 11, 21), 7) == "overdue"
    assert deadline.state(date(2026, 11, 14), 7) == "due_soon"
    assert deadline.state(date(2026, 11, 1), 7) == "pending"


def test_a_deadline_crossing_into_an_unknown_year_is_marked_as_an_estimate():
    deadlines = by_code(rules.compute_deadlines({"kind": "review", "received_on": date(2026, 12, 28)}, calendar()))
    assert deadlines["admission"].estimated
    assert deadlines["admission"].due_on == date(2027, 1, 4)


def test_the_next_open_deadline_ignores_done_and_closed_cases():
    case = {"kind": "review", "received_on": date(2026, 3, 2), "accepted_on": date(2026, 3, 3)}
    deadline = rules.next_open_deadline(rules.compute_deadlines(case, calendar()))
    assert deadline.code == "copy_to_respondent"
    closed = rules.compute_deadlines({**case, "concluded_on": date(2026, 4, 1), "outcome": "upheld"}, calendar())
    assert rules.next_open_deadline(closed) is None


def test_applicant_cells_and_lines_split_into_people():
    assert rules.split_applicant_names("张三、李四; 王五，赵六") == ["张三", "李四", "王五", "赵六"]
    parsed = rules.parse_applicant_lines("张三 330183199001011232\n某建材有限公司 91330183MA2XXXXX1\n\n李四")
    assert [p["name"] for p in parsed] == ["张三", "某建材有限公司", "李四"]
    assert parsed[0]["kind"] == "person" and parsed[1]["kind"] == "organisation"
    assert parsed[2]["id_number"] is None


@pytest.mark.parametrize(
    "typed",
    [
        "（２０２６）浙０１８３行初９０２号",
        "(2026)浙0183行初902号",
        "（2026）浙0183行初902号",
        " (2026) 浙0183\u3000行初902号\u200b",
        "[2026]浙0183行初902号",
        "〔2026〕浙0183行初902号",
    ],
)
def test_full_and_half_width_forms_of_a_case_number_have_one_key(typed):
    assert rules.number_key(typed) == "(2026)浙0183行初902号"


@pytest.mark.parametrize("typed", ["Ⅻ号", "℃", "ＡＢＣ〔２０２０〕", "㈠", "ß", "İ"])
def test_the_key_of_a_key_is_itself(typed):
    assert rules.number_key(rules.number_key(typed)) == rules.number_key(typed)


def test_different_numbers_keep_different_keys():
    assert rules.number_key("(2026)浙0183行初902号") != rules.number_key("(2026)浙0183行初9020号")
    assert rules.number_key("富政复〔2026〕1号") != rules.number_key("富政复〔2026〕11号")


def test_a_case_number_longer_than_the_column_is_refused_with_the_limit():
    problems = rules.validate_case(valid(number="号" * (rules.MAX_NUMBER + 1)), TODAY)
    assert [(p.field, p.as_params()) for p in problems] == [("number", {"limit": rules.MAX_NUMBER})]
    # ㈠ unfolds to "(一)": a number that fits as typed may not fit as its stored key.
    assert "number" in fields(rules.validate_case(valid(number="㈠" * 30), TODAY))
