"""Delivery targets' transport: a Markdown message posted to a group robot's webhook, a DingTalk custom robot
(with 加签) or a 企业微信 group robot. Callers record what was sent; this only delivers. Apprise covers both
platforms but fixes DingTalk's host, which a private deployment (浙政钉, 专有钉钉) replaces: hence this small
adapter over the standard library.

Never logged or put into an error: the webhook's query (its token) and the secret."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from casetrack.mail import DeliveryUncertain
from casetrack.summaries import rules


@dataclass
class RobotMessage:
    kind: str  # summaries.rules.TARGET_KINDS
    webhook: str
    secret: str | None
    title: str
    markdown: str


class PlatformRefused(RuntimeError):
    """The platform answered and did not post the message (a non-zero errcode, a rate limit, an HTTP error): it
    certainly did not arrive, and may be tried again."""


def body_of(message: RobotMessage) -> dict:
    if message.kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.markdown}}
    return {"msgtype": "markdown", "markdown": {"content": message.markdown}}


def url_of(message: RobotMessage, timestamp_ms: int) -> str:
    if message.kind == "dingtalk" and message.secret:
        return rules.signed_url(message.webhook, timestamp_ms, rules.dingtalk_signature(message.secret, timestamp_ms))
    return message.webhook


def send(message: RobotMessage) -> None:
    """Post one message or raise: OSError when the robot could not be reached (certainly not delivered),
    PlatformRefused when it answered no, DeliveryUncertain when the request went out and no answer came back in
    time — the group may have it, so it is not sent again blindly."""
    url = url_of(message, int(time.time() * 1000))
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=current_app.config["CASETRACK_WEBHOOK_TIMEOUT"])
    try:
        connection.connect()
        try:
            connection.request(
                "POST",
                f"{parts.path or '/'}?{parts.query}",
                body=json.dumps(body_of(message), ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            response = connection.getresponse()
            raw = response.read(65_536)
        except (OSError, http.client.HTTPException) as error:
            raise DeliveryUncertain(f"no answer from {parts.hostname}: {type(error).__name__}") from error
    finally:
        connection.close()
    if response.status == 429:
        raise PlatformRefused(f"{parts.hostname}: rate limited (HTTP 429)")
    if response.status >= 400:
        raise PlatformRefused(f"{parts.hostname}: HTTP {response.status}")
    try:
        answer = json.loads(raw)
    except ValueError as error:
        raise PlatformRefused(f"{parts.hostname}: the answer is not the robot's JSON") from error
    errcode = answer.get("errcode") if isinstance(answer, dict) else None
    if errcode != 0:
        limited = " (rate limit)" if errcode in rules.RATE_LIMIT_ERRCODES else ""
        errmsg = str(answer.get("errmsg", ""))[:200] if isinstance(answer, dict) else ""
        raise PlatformRefused(f"{parts.hostname}: errcode {errcode}{limited}: {errmsg}")
