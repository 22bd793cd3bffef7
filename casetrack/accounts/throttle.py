"""Failed-login throttling per account and per address.

Counters live in Redis when a broker URL is configured, so every gunicorn worker sees the same counts;
otherwise in this process (a newcomer's single-process server).
"""

from __future__ import annotations

import threading
import time

import redis


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
        self._redis = redis.Redis.from_url(url, socket_timeout=2)

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


class LoginThrottle:
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

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        return self.prefix + "user:" + username.strip().lower(), self.prefix + "addr:" + address

    def seconds_blocked(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed, 0 when it is allowed now."""
        account_key, address_key = self._keys(username, address)
        account_count, account_ttl = self.counters.get(account_key)
        address_count, address_ttl = self.counters.get(address_key)
        waits = [0]
        if account_count >= self.max_per_account:
            waits.append(account_ttl or self.lockout_seconds)
        if address_count >= self.max_per_address:
            waits.append(address_ttl or self.lockout_seconds)
        return max(waits)

    def record_failure(self, username: str, address: str) -> None:
        for key in self._keys(username, address):
            self.counters.incr(key, self.lockout_seconds)

    def record_success(self, username: str) -> None:
        self.counters.delete(self._keys(username, "")[0])


def build_throttle(config: dict) -> LoginThrottle:
    url = config.get("CASETRACK_BROKER_URL")
    counters = RedisCounters(url) if url and str(url).startswith("redis") else MemoryCounters()
    return LoginThrottle(
        counters,
        config["CASETRACK_LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        config["CASETRACK_LOGIN_MAX_FAILURES_PER_ADDRESS"],
        config["CASETRACK_LOGIN_LOCKOUT_SECONDS"],
        prefix=config["CASETRACK_REDIS_KEY_PREFIX"] + "login:",
    )
