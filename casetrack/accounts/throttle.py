"""Failed-login throttling per account and per address.

Counters live in Redis when a broker URL is configured, so every gunicorn worker sees the same counts;
otherwise in this process (a newcomer's single-process server).
"""

from __future__ import annotations

import logging
import threading
import time

import redis

log = logging.getLogger(__name__)


class MemoryCounters:
    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def incr(self, key: str, ttl: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            self._counts[key] = (count + 1, expires)
            return count + 1

    def get(self, key: str) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            count, expires = self._counts.get(key, (0, now))
        return (count, int(expires - now)) if expires > now else (0, 0)

    def delete(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class RedisCounters:
    def __init__(self, url: str):
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=0.5)

    def incr(self, key: str, ttl: int) -> int:
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def get(self, key: str) -> tuple[int, int]:
        pipe = self._redis.pipeline()
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = pipe.execute()
        return (int(count or 0), max(int(ttl), 0))

    def delete(self, key: str) -> None:
        self._redis.delete(key)


class FallbackCounters:
    """Redis counters that fall back to this process's own while Redis is unreachable: logging in must not
    depend on the broker. Counting per process for a while is weaker, never a reason to refuse a login."""

    RETRY_AFTER_SECONDS = 10.0

    def __init__(self, primary: RedisCounters, fallback: MemoryCounters | None = None):
        self.primary, self.fallback = primary, fallback or MemoryCounters()
        self._down_until = 0.0

    def _call(self, name: str, *args):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(self.primary, name)(*args)
            except redis.RedisError:
                log.warning("login throttle: Redis unreachable, counting in this process for now")
                self._down_until = time.monotonic() + self.RETRY_AFTER_SECONDS
        return getattr(self.fallback, name)(*args)

    def incr(self, key: str, ttl: int) -> int:
        return self._call("incr", key, ttl)

    def get(self, key: str) -> tuple[int, int]:
        return self._call("get", key)

    def delete(self, key: str) -> None:
        self._call("delete", key)


class LoginThrottle:
    """Who gets refused after failed logins, so that guessing is slowed without letting one person lock others out.

    An attempt comes from a *source*: the browser's device token (a signed cookie set when this account last
    logged in there) or, without one, the address. Failures for an account count per source, so knowing a name
    locks it only for the one guessing. Failures without a device token also count per address (spraying many
    names); browsers with a device token for the account are not held by that count, which matters behind a
    proxy where everyone shares one address. Failures for an account from every source together lock it only at
    ``DISTRIBUTED_FACTOR`` times the per-source limit, and never for the owner's known browsers."""

    DISTRIBUTED_FACTOR = 10

    def __init__(
        self,
        counters,
        max_per_account: int,
        max_per_address: int,
        lockout_seconds: int,
        prefix: str = "casetrack:login:",
    ):
        self.counters = counters
        self.max_per_account = max_per_account
        self.max_per_address = max_per_address
        self.lockout_seconds = lockout_seconds
        self.prefix = prefix

    def _limits(self, username: str, address: str, device: str | None) -> list[tuple[str, int]]:
        """(counter key, failures that block) that apply to this attempt."""
        name = username.strip().lower()
        source = f"dev:{device}" if device else f"addr:{address}"
        limits = [(f"{self.prefix}user:{name}:{source}", self.max_per_account)]
        if not device:
            limits += [
                (f"{self.prefix}addr:{address}", self.max_per_address),
                (f"{self.prefix}user:{name}", self.max_per_account * self.DISTRIBUTED_FACTOR),
            ]
        return limits

    def seconds_blocked(self, username: str, address: str, device: str | None = None) -> int:
        """Seconds until another attempt is allowed, 0 when it is allowed now."""
        waits = [0]
        for key, limit in self._limits(username, address, device):
            count, ttl = self.counters.get(key)
            if count >= limit:
                waits.append(ttl or self.lockout_seconds)
        return max(waits)

    def record_failure(self, username: str, address: str, device: str | None = None) -> None:
        name = username.strip().lower()
        keys = {key for key, _ in self._limits(username, address, device)}
        # A failure from a known browser still counts towards the account's total.
        keys.add(f"{self.prefix}user:{name}")
        if not device:
            keys.add(f"{self.prefix}addr:{address}")
        for key in keys:
            self.counters.incr(key, self.lockout_seconds)

    def record_success(self, username: str, address: str, device: str | None = None) -> None:
        """The owner got in: the account's counts start again (the address's count of sprayed names does not)."""
        for key, _ in self._limits(username, address, device):
            if key.startswith(f"{self.prefix}user:"):
                self.counters.delete(key)


def build_throttle(config: dict) -> LoginThrottle:
    url = config.get("CASETRACK_BROKER_URL")
    counters = FallbackCounters(RedisCounters(url)) if url and str(url).startswith("redis") else MemoryCounters()
    return LoginThrottle(
        counters,
        config["CASETRACK_LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        config["CASETRACK_LOGIN_MAX_FAILURES_PER_ADDRESS"],
        config["CASETRACK_LOGIN_LOCKOUT_SECONDS"],
        prefix=config["CASETRACK_REDIS_KEY_PREFIX"] + "login:",
    )
