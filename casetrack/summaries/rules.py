"""Which period a leaders' summary covers, and how a group robot takes it: its webhook, signature and size. Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, timedelta
from urllib.parse import parse_qs, quote_plus, urlsplit

from casetrack.i18n import N_

KINDS = ("monthly", "risk_digest")


def month_key(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def parse_month_key(key: str) -> tuple[int, int]:
    year, month = key.split("-")
    return int(year), int(month)


def period_problem(kind: str, raw: str) -> str | None:
    """Why ``raw`` is not a period of ``kind`` ("2020-12" for monthly, "2026-W49" for the digest), as a msgid."""
    try:
        if kind == "monthly":
            year, month = raw.split("-")
            if len(year) == 4 and len(month) == 2 and year.isdigit() and 1 <= int(month) <= 12:
                return None
        else:
            year, week = raw.split("-W")
            if len(year) == 4 and len(week) == 2 and year.isdigit() and week.isdigit():
                date.fromisocalendar(int(year), int(week), 1)
                return None
    except ValueError:
        pass
    return N_("Give the period as 2026-11 for the monthly summary or 2026-W49 for the risk digest.")


def week_key(day: date) -> str:
    """ISO week: the digest sent on Monday 2026-11-30 is "2026-W49"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def next_monday(day: date) -> date:
    """The digest goes out on Mondays: the coming one, or ``day`` itself when it is a Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7)


def week_days(key: str) -> tuple[int, int, date, date]:
    """(ISO year, week, its Monday, its Sunday) of a week_key: "2026-W49" is 30 November to 6 December 2026."""
    year, week = key.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return int(year), int(week), monday, monday + timedelta(days=6)


#: Group robots a summary can go to: a DingTalk custom robot (浙政钉 and 专有钉钉 are DingTalk deployments, the
#: host being the webhook's) and a 企业微信 group robot.
TARGET_KINDS = {"dingtalk": N_("DingTalk group robot (钉钉/浙政钉)"), "wecom": N_("WeCom group robot (企业微信)")}
#: What each platform takes in one Markdown message, in UTF-8 bytes (企业微信: 4,096; DingTalk: 20,000).
MAX_MARKDOWN_BYTES = {"dingtalk": 20_000, "wecom": 4_096}
#: The query parameter that carries each platform's token in the webhook.
TOKEN_PARAMETER = {"dingtalk": "access_token", "wecom": "key"}
#: errcode values that mean "too many messages, try later" (DingTalk 130101, 企业微信 45009).
RATE_LIMIT_ERRCODES = frozenset({130101, 45009})
#: A DingTalk request's timestamp must be within an hour of the platform's clock.
SIGNATURE_WINDOW_MS = 3_600_000


def parse_target_kinds(raw: str) -> tuple[list[str], str | None]:
    """("monthly,risk_digest") → (the summaries, None), or ([], a msgid) for an empty list or an unknown name."""
    kinds = [part.strip() for part in raw.split(",") if part.strip()]
    if not kinds or any(kind not in KINDS for kind in kinds):
        return [], N_("Choose the summaries: monthly, risk_digest or both, separated by a comma.")
    return list(dict.fromkeys(kinds)), None


def webhook_problem(kind: str, url: str) -> str | None:
    """Why a webhook cannot be used, as a msgid; None when it can. The host is the URL's own, so a private
    deployment (浙政钉, 专有钉钉) is configured the same way as the public one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return N_(
            "Give the robot's webhook as an http(s) address, for example https://oapi.dingtalk.com/robot/send?access_token=…."
        )
    if not parse_qs(parts.query).get(TOKEN_PARAMETER[kind]):
        return N_("The webhook has no %(parameter)s: copy it whole from the group robot's settings.")
    return None


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """加签: URL-encoded Base64 of HmacSHA256(key=secret, message=timestamp + "\\n" + secret)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_url(webhook: str, timestamp_ms: int, signature: str) -> str:
    return f"{webhook}&timestamp={timestamp_ms}&sign={signature}"


def fitted(markdown: str, limit_bytes: int, tail: str) -> str:
    """``markdown`` whole when it fits in ``limit_bytes`` (UTF-8), else cut after its last whole line that leaves
    room for ``tail`` (a link to the full page)."""
    if len(markdown.encode()) <= limit_bytes:
        return markdown
    room = limit_bytes - len(tail.encode()) - 1
    kept = []
    used = 0
    for line in markdown.splitlines(keepends=True):
        size = len(line.encode())
        if used + size > room:
            break
        kept.append(line)
        used += size
    return "".join(kept).rstrip("\n") + "\n" + tail


#: The audit trail's words for a delivery target (history gathers them); its webhook and secret are never recorded.
AUDIT_FIELDS = {
    "summary_target": {
        "name": N_("Name"),
        "kind": N_("Kind"),
        "host": N_("Host"),
        "summaries": N_("Summaries"),
        "active": N_("Active"),
    }
}
AUDIT_VALUES = {"summary_target": {"kind": TARGET_KINDS}}
#: A target's name, as the sends page and the CLI show it.
MAX_TARGET_NAME = 64
