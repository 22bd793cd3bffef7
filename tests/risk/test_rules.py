from datetime import date

import pytest

from casetrack.risk import rules
from casetrack.risk.rules import RiskFacts
from tests.people import person

WEIGHTS = dict(rules.DEFAULT_WEIGHTS)


def contributions(facts):
    return {c.rule: c.points for c in rules.score(facts, WEIGHTS)[1]}


def test_a_plain_case_scores_nothing():
    assert rules.score(RiskFacts(matter="other", applicant_count=1), WEIGHTS) == (0, [])


def test_the_units_loss_rate_adds_points_in_proportion():
    assert contributions(RiskFacts(matter="other", applicant_count=1, unit_loss_rate=0.25)) == {"unit_loss_rate": 15}
    assert contributions(RiskFacts(matter="other", applicant_count=1, unit_loss_rate=None)) == {}


def test_matter_group_case_prior_correction_and_each_staff_flag_add_their_weight():
    facts = RiskFacts(
        matter="expropriation",
        applicant_count=5,
        prior_correction=True,
        flags=frozenset({"procedural_defect", "evidence_gap", "media_attention"}),
    )
    assert contributions(facts) == {
        "matter": 20,
        "group_case": 20,
        "prior_correction": 15,
        "procedural_defect": 25,
        "evidence_gap": 25,
        "media_attention": 15,
    }
    assert rules.score(facts, WEIGHTS)[0] == 120
    assert "group_case" not in contributions(RiskFacts(matter="other", applicant_count=4))


def test_weights_come_from_the_settings_given():
    facts = RiskFacts(matter="penalty", applicant_count=1, flags=frozenset({"evidence_gap"}))
    assert rules.score(facts, {**WEIGHTS, "evidence_gap": 40, "matter:penalty": 0})[0] == 40


def test_a_score_equal_to_the_threshold_enters_the_queue():
    assert rules.enters_queue(50, 50, hand_flagged=False)
    assert not rules.enters_queue(49, 50, hand_flagged=False)
    assert rules.enters_queue(0, 50, hand_flagged=True)


@pytest.mark.parametrize("state, action, target", list((s, a, t) for (s, a), t in rules.TRANSITIONS.items()))
def test_every_allowed_transition(state, action, target):
    assert rules.next_state(state, action) == target


@pytest.mark.parametrize(
    "state, action",
    [
        ("pending_review", "approve"),
        ("task_force", "approve"),
        ("crossed_off", "reopen"),
        ("crossed_off", "send_back"),
        ("task_force", "dismiss"),
        ("dismissed", "confirm"),
    ],
)
def test_refused_transitions(state, action):
    assert rules.next_state(state, action) is None


def test_only_the_legal_bureau_decides_but_a_unit_may_ask_for_the_cross_off():
    liaison = person("unit", unit_id=1)
    assert rules.allowed_actions("pending_review", liaison, 1) == []
    assert set(rules.allowed_actions("pending_review", person("legal"), 1)) == {"confirm", "dismiss"}
    assert rules.allowed_actions("task_force", liaison, 1) == ["request_cross_off"]
    assert rules.allowed_actions("task_force", liaison, 2) == []
    assert rules.allowed_actions("cross_off_requested", liaison, 1) == []


def test_cross_off_needs_every_item_done_and_a_resolution():
    assert rules.cross_off_problems([date(2026, 1, 1), None], "won")
    assert rules.cross_off_problems([date(2026, 1, 1)], None)
    assert rules.cross_off_problems([], "won")
    assert rules.cross_off_problems([date(2026, 1, 1)], "won") == []


def test_weights_are_checked():
    assert rules.weight_problems({"group_case": 101}, 50)
    assert rules.weight_problems({"nonsense": 1}, 50)
    assert rules.weight_problems(WEIGHTS, 0)
    assert rules.weight_problems(WEIGHTS, 50) == []
