"""The annual report's Markdown and Word forms: the seed-style paragraph, the unit table, the watch list, trends."""

import io
import json

from docx import Document

from casetrack.reports.rules import summary_paragraph
from casetrack.stats import figures as registry
from casetrack.stats.rules import shape_figures, watch_list


def _counts(review=(0, 0, 0), litigation=(0, 0, 0)):
    return {
        "review_new": review[0],
        "review_concluded": review[1],
        "review_corrected": review[2],
        "litigation_new": litigation[0],
        "litigation_concluded": litigation[1],
        "litigation_lost": litigation[2],
    }


def _figures(now, before, appearance=(0, 0), mediation=(0, 0), compensation=(0, 0, 0, 0), review_hearing=(0, 0)):
    counted = {
        "appearance_required": appearance[0],
        "appearance_appeared": appearance[1],
        "review_hearing_required": review_hearing[0],
        "review_hearing_attended": review_hearing[1],
        "mediation_concluded": mediation[0],
        "mediation_succeeded": mediation[1],
        "compensation_new": compensation[0],
        "compensation_concluded": compensation[1],
        "compensation_granted": compensation[2],
        "compensation_amount_granted": compensation[3],
        # No linked cases: the report leaves their optional section out.
        **dict.fromkeys(
            (
                "linked_cases_reviews_concluded",
                "linked_cases_sued_after",
                "linked_cases_appeals_concluded",
                "linked_cases_reversed_on_appeal",
            ),
            0,
        ),
        # No suggestions, rectification or coded reasons: their optional sections are left out too.
        **{
            f.sql_label: 0
            for f in registry.counted()
            if f.section in ("suggestions", "rectification", "adverse_reasons")
        },
    }
    no_claims = dict.fromkeys(("compensation_new", "compensation_concluded", "compensation_granted"), 0)
    return shape_figures({**now, **counted}, {**before, **no_claims})


def test_the_paragraph_reads_like_the_seed_report():
    report = {
        "year": 2020,
        **_figures(
            _counts(review=(94, 105, 9), litigation=(111, 124, 11)),
            _counts(review=(118, 87, 50), litigation=(130, 143, 37)),
            appearance=(85, 83),
            mediation=(39, 36),
        ),
    }
    assert summary_paragraph(report) == (
        "2020年全区行政复议新发94件,同比下降20.34%,纠错9件,纠错率8.57%,下降48.9个百分点;"
        "行政诉讼新发111件,同比下降14.62%,败诉11件,败诉率8.87%,下降17个百分点;"
        "行政机关负责人出庭应诉83件,出庭率97.65%;行政争议调解成功36件,成功率92.31%。"
    )


def test_the_paragraph_says_so_when_there_is_no_figure_instead_of_printing_zero():
    report = {"year": 2031, **_figures(_counts(review=(3, 0, 0)), _counts())}
    text = summary_paragraph(report)
    assert "行政复议新发3件,上年同期无案件" in text
    assert "纠错率无数据" in text and "无开庭案件" in text and "无办结调解" in text
    rising = {"year": 2021, **_figures(_counts(review=(12, 4, 2)), _counts(review=(10, 4, 1)))}
    assert "同比上升20.00%" in summary_paragraph(rising) and "上升25个百分点" in summary_paragraph(rising)
    assert "行政赔偿" not in summary_paragraph(rising)  # a year without claims says nothing about them


def test_the_paragraph_adds_compensation_claims_when_there_are_any():
    report = {"year": 2021, **_figures(_counts(review=(2, 1, 0)), _counts(), compensation=(4, 3, 2, 1_234_550))}
    assert summary_paragraph(report).endswith("行政赔偿案件新收4件,决定3件,其中予以赔偿2件,赔偿金额12,345.50元。")


def test_the_paragraph_reports_review_hearings_beside_not_inside_the_court_appearance_rate():
    report = {"year": 2026, **_figures(_counts(review=(5, 1, 0)), _counts(), appearance=(4, 3), review_hearing=(3, 2))}
    text = summary_paragraph(report)
    assert "行政机关负责人出庭应诉3件,出庭率75.00%" in text
    assert "行政复议听证3件,被申请人负责人参加听证2件,听证负责人参加率66.67%" in text
    assert "听证" not in summary_paragraph({"year": 2026, **_figures(_counts(review=(5, 1, 0)), _counts())})


def test_the_watch_list_flags_only_rates_worse_than_the_district():
    district = _figures(_counts(litigation=(10, 10, 1)), _counts(), appearance=(10, 9))
    units = {
        "甲局": _figures(_counts(litigation=(6, 5, 1)), _counts(), appearance=(5, 5)),
        "乙局": _figures(_counts(litigation=(3, 4, 0)), _counts(), appearance=(4, 3)),
        "丙局": _figures(_counts(litigation=(1, 1, 0)), _counts(), appearance=(1, 1)),
        "丁局": _figures(_counts(), _counts()),
    }
    listed = {row["unit"]: row["flags"] for row in watch_list(units, size=5, district=district)}
    # 甲局: most cases and a 20% loss rate against the district's 10%; 乙局: 75% appearance against 90%.
    assert listed == {
        "甲局": ["high_litigation", "high_loss"],
        "乙局": ["high_litigation", "low_appearance"],
        "丙局": ["high_litigation"],
    }
    assert [row["unit"] for row in watch_list(units, size=1, district=district)] == ["甲局", "乙局"]


def test_report_annual_markdown_and_word_carry_the_figures_of_the_demo_year(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    as_json = json.loads(runner.invoke(args=["report", "annual", "--year", "2020"]).output)
    markdown = runner.invoke(args=["report", "annual", "--year", "2020", "--format", "md"])
    assert markdown.exit_code == 0, markdown.output
    assert summary_paragraph(as_json) in markdown.output
    assert "## 三、“两高一低”单位" in markdown.output and "| 单位 | 复议新发(件)" in markdown.output
    busiest = max(as_json["by_unit"], key=lambda row: row["litigation"]["new"])
    assert f"| {busiest['unit']} | {busiest['review']['new']} |" in markdown.output
    assert "| 复议新发 | " in markdown.output  # the monthly trend table

    target = tmp_path / "annual-2020.docx"
    word = runner.invoke(args=["report", "annual", "--year", "2020", "--format", "docx", "--output", str(target)])
    assert word.exit_code == 0, word.output
    document = Document(io.BytesIO(target.read_bytes()))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert summary_paragraph(as_json) in texts
    assert len(document.inline_shapes) == 2  # the two trend charts
    unit_table = document.tables[0]
    assert [c.text for c in unit_table.rows[0].cells][:3] == ["单位", "复议新发(件)", "复议纠错(件)"]
    assert busiest["unit"] in {row.cells[0].text for row in unit_table.rows}
    trend_table = document.tables[-1]  # a month a row, so it fits a portrait page
    assert [row.cells[0].text for row in trend_table.rows][1:] == [f"{m}月" for m in range(1, 13)]
    assert trend_table.rows[0].cells[1].text == "复议新发"
    assert sum(int(row.cells[1].text) for row in trend_table.rows[1:]) == as_json["review"]["new"]
    # narrow cells carry no per-cent sign: it stands in the heading ("纠错率(%)"), so no value breaks in two
    rate_column = [c.text for c in trend_table.rows[0].cells].index("纠错率(%)")
    assert not any(row.cells[rate_column].text.endswith("%") for row in trend_table.rows[1:])


def test_a_part_year_says_which_months_it_covers():
    from casetrack.reports.rules import period_label, report_title

    assert period_label({"year": 2020}) == "2020年"
    assert period_label({"year": 2020, "through": "2020-10-31"}) == "2020年1—10月"
    assert period_label({"year": 2020, "through": "2020-01-31"}) == "2020年1月"
    assert period_label({"year": 2026, "through": "2026-11-26"}) == "2026年1月1日至11月26日"
    assert report_title({"year": 2020, "through": "2020-10-31"}) == "2020年1—10月行政争议预防化解工作情况"


def test_the_report_to_a_month_counts_only_those_months_against_the_same_months_a_year_earlier(factories):
    from datetime import date

    from casetrack.extensions import db
    from casetrack.reports.services import annual_report

    factories.case(received_on=date(2020, 3, 1))
    factories.case(received_on=date(2020, 11, 1))
    factories.case(received_on=date(2019, 2, 1))
    factories.case(received_on=date(2019, 12, 1))
    db.session.commit()
    to_october = annual_report(2020, through=date(2020, 10, 31))
    assert to_october["through"] == "2020-10-31"
    assert (to_october["review"]["new"], to_october["review"]["new_prev"]) == (1, 1)
    whole = annual_report(2020)
    assert "through" not in whole and (whole["review"]["new"], whole["review"]["new_prev"]) == (2, 2)


def test_the_running_year_stops_at_today_and_says_so(factories):
    from datetime import timedelta

    from casetrack.clock import local_today
    from casetrack.extensions import db
    from casetrack.reports.services import annual_report

    today = local_today()
    factories.case(received_on=today)
    db.session.commit()
    report = annual_report(today.year)
    assert report["through"] == today.isoformat() and report["review"]["new"] == 1
    assert annual_report(today.year, today=today + timedelta(days=400))["review"]["new"] == 1


def test_report_annual_says_plainly_when_it_cannot_write_the_file(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["report", "annual", "--year", "2020", "--format", "md", "--output", str(tmp_path / "no" / "x.md")]
    )
    assert result.exit_code != 0 and "cannot write" in result.output and "Traceback" not in result.output


def test_the_report_trend_cuts_its_last_month_at_the_same_day_as_the_headline(factories):
    from datetime import date

    from casetrack.extensions import db
    from casetrack.reports.services import annual_report, annual_trend

    for day in (date(2019, 11, 5), date(2019, 11, 20), date(2020, 11, 3), date(2020, 3, 3)):
        factories.case(received_on=day)
    db.session.commit()
    through = date(2020, 11, 10)
    trend = annual_trend(2020, through)
    assert [m["month"] for m in trend] == list(range(1, 12))
    november = trend[-1]["review"]
    assert (november["new"], november["new_prev"], november["new_yoy_pct"]) == (1, 1, 0.0)
    headline = annual_report(2020, through=through)["review"]
    assert sum(m["review"]["new"] for m in trend) == headline["new"] == 2
