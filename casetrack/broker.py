"""Redis, the broker, as the web process sees it: is it there, and a way to hand work to the worker that does the
work here instead when it is not. A broker outage must not stop people logging in, registering cases, building
a report or editing the calendar; it only loses the background."""

from __future__ import annotations

import logging
import threading
import time

import redis
from flask import current_app

log = logging.getLogger(__name__)

#: How long an answer about the broker is trusted: a page asks often, and a dead broker costs a timeout each time.
CHECK_EVERY_SECONDS = 10.0
#: A reachable Redis answers a PING on the same machine or network in milliseconds.
PING_TIMEOUT_SECONDS = 0.5

_checked: dict[str, tuple[float, bool]] = {}
_guard = threading.Lock()


def broker_url() -> str:
    url = current_app.config.get("CASETRACK_BROKER_URL") or ""
    return url if url.startswith("redis") else ""


def client(url: str | None = None) -> redis.Redis:
    """A Redis client that gives up quickly instead of hanging a request for the default minutes."""
    return redis.Redis.from_url(
        url or broker_url(), socket_timeout=PING_TIMEOUT_SECONDS * 4, socket_connect_timeout=PING_TIMEOUT_SECONDS
    )


def reachable(url: str | None = None, *, fresh: bool = False) -> bool:
    """Whether the broker answers; False when none is configured. Remembered for CHECK_EVERY_SECONDS."""
    url = url or broker_url()
    if not url:
        return False
    now = time.monotonic()
    with _guard:
        checked_at, answer = _checked.get(url, (0.0, False))
    if not fresh and now - checked_at < CHECK_EVERY_SECONDS:
        return answer
    try:
        answer = bool(client(url).ping())
    except redis.RedisError:
        answer = False
    with _guard:
        previous = _checked.get(url, (0.0, True))[1]
        _checked[url] = (now, answer)
    if previous and not answer:
        log.warning("broker %s unreachable: background work runs inline until it is back", url)
    return answer


def enqueue(task, *args) -> None:
    """Queue ``task`` for the worker, or — no broker configured, or the broker down — run it here and now."""
    if broker_url() and reachable():
        try:
            task.delay(*args)
            return
        except Exception:  # noqa: BLE001 — kombu raises its own connection errors as well as redis's
            log.warning("queueing %s failed; running it inline", task.name, exc_info=True)
    task.apply(args=args, throw=True)


def forget() -> None:
    """Drop remembered answers (tests that stop and start a broker)."""
    with _guard:
        _checked.clear()
