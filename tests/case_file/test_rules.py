from datetime import date

from casetrack.case_file import rules
from casetrack.cases import kinds


def test_a_public_notice_counts_as_served_thirty_days_after_it_is_published():
    assert rules.deemed_served_on("public_notice", date(2026, 3, 1)) == date(2026, 3, 31)
    assert rules.deemed_served_on("post", date(2026, 3, 1)) == date(2026, 3, 1)


def test_a_service_says_what_it_lacks():
    starts = kinds.REVIEW_KIND.service_starts
    assert rules.service_problems("sent", "post", "申请书副本", "区市场监管局", "copy_sent_on", starts) == []
    assert len(rules.service_problems("x", "fax", "", " ", None, starts)) == 4
    assert rules.service_problems("sent", "post", "判决书", "原告", "judgment_served_on", starts) == [
        "This kind of case has no such date for a service to start."
    ]


def test_moving_an_item_swaps_it_with_its_neighbour_and_stops_at_the_ends():
    assert rules.moved([0, 1, 2], 1, -1) == [1, 0, 2]
    assert rules.moved([0, 1, 2], 2, 1) == [0, 1, 2]
    assert rules.moved([0, 1, 2], 0, -1) == [0, 1, 2]


def _case(**changes):
    return {**rules.SAMPLE_CASE, **changes}


def test_which_standard_documents_a_case_is_issued_follows_its_stage():
    review = kinds.REVIEW_KIND.standard_documents
    fresh = _case(accepted_on=None, correction_notice_on=None, suspended_on=None, resumed_on=None)
    assert rules.applicable(review, fresh) == []
    assert "acceptance_notice" in rules.applicable(review, _case(suspended_on=None, resumed_on=None))
    assert "suspension_notice" in rules.applicable(review, _case(resumed_on=None))
    assert rules.applicable(kinds.LITIGATION_KIND.standard_documents, _case(hearing_on=None)) == [
        "defence",
        "suspension_notice",
        "resumption_notice",
    ]


def test_the_context_writes_dates_the_chinese_way_and_marks_what_is_missing():
    values = rules.context(_case(applicants=[], court=""), date(2026, 12, 3), "区人民政府")
    assert values["received_on"] == "2026年3月2日" and values["today"] == "2026年12月3日"
    assert values["applicants"] == "【申请人】" and values["court"] == "【人民法院】"
