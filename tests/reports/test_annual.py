"""The annual report reproduces the seed report's 2020 figures from the demo data, through the definitions."""

import json

import pytest

from casetrack.stats.services import stored_figures
from tests.conftest import SHARED

EXAMPLE = SHARED / "data" / "fuyang-2020.json"


def test_report_annual_json_reproduces_every_figure_of_the_worked_example(app):
    if not EXAMPLE.exists():
        pytest.skip("shared/data/fuyang-2020.json is not beside the project")
    expected = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    computed = runner.invoke(args=["stats", "compute", "--year", "2020"])
    assert computed.exit_code == 0, computed.output
    result = runner.invoke(args=["report", "annual", "--year", "2020", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["year"] == 2020
    for section in ("review", "litigation", "appearance", "mediation"):
        for key, value in expected[section].items():
            assert report[section][key] == value, (section, key)
    assert report["review"]["correction_rate_prev_pct"] == 57.47
    assert report["review"]["correction_rate_change_pp"] == -48.9
    # The December year-to-date snapshot the job stored is the same year seen the same way.
    year_to_date = stored_figures("ytd", 2020, 12)
    assert {section: year_to_date[section] for section in expected if section in year_to_date} == {
        section: report[section] for section in ("review", "litigation", "appearance", "mediation")
    }
    # Issue 14: the seed's "全区各单位接受检察建议34份并整改完毕", counted from the demo's suggestions.
    assert [(row["type"], row["received"], row["rectified"]) for row in report["suggestions_by_type"]][1:3] == [
        ("procuratorate", 26, 26),
        ("public_interest", 8, 8),
    ]
    text = runner.invoke(args=["report", "annual", "--year", "2020", "--format", "md"]).output
    assert "全区各单位接受检察建议34份并整改完毕" in text
    units = {row["unit"]: row for row in report["by_unit"]}
    assert sum(row["review"]["new"] for row in units.values()) == report["review"]["new"]
    assert sum(row["litigation"]["lost"] for row in units.values()) == report["litigation"]["lost"]


def test_a_zero_denominator_is_null_in_the_json(app):
    result = app.test_cli_runner().invoke(args=["report", "annual", "--year", "2031"])
    report = json.loads(result.output)
    assert report["review"]["correction_rate_pct"] is None and report["review"]["new_yoy_pct"] is None
    assert report["appearance"]["rate_pct"] is None and report["by_unit"] == []


def test_an_unbuilt_format_is_refused_with_a_message(app):
    result = app.test_cli_runner().invoke(args=["report", "annual", "--year", "2020", "--format", "pdf"])
    assert result.exit_code != 0 and "pdf" in result.output
