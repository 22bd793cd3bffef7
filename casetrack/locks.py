"""A lock around periodic jobs so two runs never overlap (beat firing while a slow run is still going, or a
manual run at the same time). Redis when a broker is configured; otherwise a lock inside this process."""

from __future__ import annotations

import contextlib
import threading

import redis
from flask import current_app

from casetrack import broker

_local_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


class JobAlreadyRunning(RuntimeError):
    pass


@contextlib.contextmanager
def job_lock(name: str, timeout: int = 3600):
    # With the broker down there is no worker to overlap with; the lock inside this process still stops a
    # double-click, and the broker's lock is back as soon as the broker is.
    if broker.reachable():
        lock = broker.client().lock(
            current_app.config["CASETRACK_REDIS_KEY_PREFIX"] + f"lock:{name}", timeout=timeout, blocking=False
        )
        if not lock.acquire():
            raise JobAlreadyRunning(name)
        try:
            yield
        finally:
            with contextlib.suppress(redis.exceptions.LockError):
                lock.release()
        return
    with _guard:
        lock = _local_locks.setdefault(name, threading.Lock())
    if not lock.acquire(blocking=False):
        raise JobAlreadyRunning(name)
    try:
        yield
    finally:
        lock.release()
