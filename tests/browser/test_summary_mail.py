"""The leaders' mails as a phone shows them: the HTML parts, pictures in place, fit a 390 px screen with no sideways
scrolling (issue 17, item 4)."""

import base64
from datetime import date, timedelta

from casetrack.accounts import services as accounts
from casetrack.accounts.permissions import SYSTEM
from casetrack.extensions import db
from casetrack.summaries import rules, services
from casetrack.summaries.models import SummarySend


def composed(in_app, factories, today):
    with in_app():
        works = factories.unit(name="区自然资源和规划分局综合执法大队第三中队")
        for n in range(12):
            factories.case(
                kind="litigation",
                number=f"（{today.year}）浙0111行初{1000 + n}号",
                respondent_unit=works,
                received_on=today - timedelta(days=40 + n),
                concluded_on=today - timedelta(days=35),
                outcome="revoked",
            )
        leader = factories.user(role="leader", username="fuquzhang", display_name="副区长 陈立")
        accounts.set_overseen_units(leader, [works], SYSTEM)
        db.session.flush()
        last_month = today.replace(day=1) - timedelta(days=1)
        mails = []
        for kind, period in (
            ("monthly", rules.month_key(last_month.year, last_month.month)),
            ("risk_digest", rules.week_key(today)),
        ):
            send = SummarySend(kind=kind, period=period, recipient=leader, email="fu@example.com", status="pending")
            mails.append(services.compose(send, today))
        return mails


def as_shown(message) -> str:
    """The HTML part with its cid: pictures in place, as a mail client shows it."""
    html = message.html
    for picture in message.inline:
        data = base64.b64encode(picture.content).decode()
        html = html.replace(f"cid:{picture.content_id}", f"data:{picture.mimetype};base64,{data}")
    return html


def test_both_mails_fit_a_phone_and_show_the_trend_picture(new_page, in_app, factories, today: date):
    monthly, digest = composed(in_app, factories, today)
    page = new_page()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for message in (monthly, digest):
            page.set_content(as_shown(message))
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, message.subject)
        page.set_content(as_shown(monthly))
        picture = page.locator("img.chart")
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
        assert picture.evaluate("img => img.getBoundingClientRect().right") <= width
