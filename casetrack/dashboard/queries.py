"""The dashboard's numbers, gathered from the one place figures are defined (stats.queries, stats.rules).

Nothing is counted here: this module only picks the periods and arranges what the figure queries return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.dashboard.rules import compared_days
from casetrack.extensions import db
from casetrack.stats import figures as registry
from casetrack.stats import kept
from casetrack.stats.queries import Period, district_and_unit_figures, figures, trend_to
from casetrack.stats.rules import has_activity, watch_list

#: The unit ranking's figures, the first deciding the order: litigation first, as the "两高一低" list ranks.
RANKED_BY = ("litigation.new", "review.new", "compensation.new")
#: How many units from the top of each "两高一低" ranking are listed, as in the annual report.
WATCH_LIST_SIZE = 5


@dataclass(frozen=True)
class Dashboard:
    year: int
    #: None for the whole district.
    unit_id: int | None
    period: Period
    previous: Period
    #: stats.queries.figures for the period against the previous one.
    figures: dict
    #: stats.queries.monthly_figures, January through the last month shown.
    monthly: list[dict]
    #: District view only: {"unit", figure key: value} of the RANKED_BY figures for units with any, in that order.
    ranking: list[dict]
    #: District view only: stats.rules.watch_list rows.
    watch: list[dict]
    #: District view of a 分管 leader: {"unit", "unit_id", "figures"} of each unit they oversee, then the
    #: district's ("unit_id" None), so their units are read beside the totals.
    overseen: list[dict] = ()

    @property
    def whole_year(self) -> bool:
        return self.period.end == date(self.year, 12, 31)

    @property
    def is_empty(self) -> bool:
        """Nothing recorded in the period or the one before: there is no figure to draw."""
        return not has_activity(self.figures, with_previous=True)


def gather(year: int, unit_id: int | None, today: date, overseen_ids: tuple[int, ...] = ()) -> Dashboard:
    start, end, previous_start, previous_end, months = compared_days(year, today)
    period, previous = Period(start, end), Period(previous_start, previous_end)
    ranking, watch, overseen = [], [], []
    # Leaders open the dashboard far more often than cases change: it reads the kept figures.
    source = kept.kept()
    if unit_id is None:
        shown, per_unit = district_and_unit_figures(period, previous, source)
        names = dict(db.session.execute(select(Unit.id, Unit.name)).all())
        by_name = {names[uid]: unit_figures for uid, unit_figures in per_unit.items()}
        ranked = [registry.figure(key) for key in RANKED_BY]
        ranking = sorted(
            (
                {"unit": name, **{figure.key: f[figure.section][figure.value_key] for figure in ranked}}
                for name, f in by_name.items()
                if any(f[figure.section][figure.value_key] for figure in ranked)
            ),
            key=lambda row: (*(-row[figure.key] for figure in ranked), row["unit"]),
        )
        watch = watch_list(by_name, WATCH_LIST_SIZE, district=shown)
        if overseen_ids:
            overseen = [
                {"unit": names[uid], "unit_id": uid, "figures": per_unit[uid]}
                for uid in sorted(overseen_ids, key=lambda uid: names[uid])
            ]
            overseen.append({"unit": None, "unit_id": None, "figures": shown})
    else:
        shown = figures(period, previous, unit_id, source)
    # The running month stops at today, as the headline figures do, so the months add up to them.
    monthly = trend_to(year, end, unit_id, source)
    return Dashboard(
        year=year,
        unit_id=unit_id,
        period=period,
        previous=previous,
        figures=shown,
        monthly=monthly,
        ranking=ranking,
        watch=watch,
        overseen=overseen,
    )
