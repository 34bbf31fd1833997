"""How many live views (server-sent event streams) one account holds open at once: each holds
a worker thread for minutes, so one user (or many tabs of one dashboard) could take every
thread and leave nothing to answer anyone else (LIVE_MAX_STREAMS_PER_USER).

- "process" (the zero-configuration default): counted in this worker process only.
- "redis" (the default with SESSION_BACKEND=redis: several instances): counted across every
  instance in one sorted set per user in Redis, one member per open stream, scored with the
  moment its lease ends (Redis's own clock, so instances' clocks do not matter). A stream
  renews its lease while it runs; a worker that crashed (or was killed) renews nothing, so
  its slots end within LIVE_SLOT_LEASE_SECONDS instead of holding the account's views for
  ever. Taking a slot is one Lua script (drop the ended, count, add), so concurrent requests
  on different instances cannot both take the last one. When Redis does not answer, the
  stream is counted in its process (a Redis failure never takes live views down)."""
from __future__ import annotations

import logging
import threading
import time
import uuid

log = logging.getLogger(__name__)
PROCESS_KEY = "people_counter_live_slots"
KEY_PREFIX = "people-counter:live-slots:"

# KEYS[1] the user's set; ARGV: limit (0: none), lease seconds, slot id
_TAKE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit = tonumber(ARGV[1])
if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return 1
"""
# A slot renews its lease only while it still holds it: one that ended (its worker was
# stalled past the lease) and was dropped is not added back over the limit.
_KEEP = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local until_ = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not until_ or tonumber(until_) <= now then
  redis.call('ZREM', KEYS[1], ARGV[2])
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1])) + 1)
return 1
"""
_OPEN = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
"""


class ProcessSlots:
    """Open live streams per user in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, int] = {}

    def take(self, user_id: int, limit: int) -> bool:
        with self._lock:
            if limit > 0 and self._open.get(user_id, 0) >= limit:
                return False
            self._open[user_id] = self._open.get(user_id, 0) + 1
            return True

    def give_back(self, user_id: int) -> None:
        with self._lock:
            left = self._open.get(user_id, 0) - 1
            if left > 0:
                self._open[user_id] = left
            else:
                self._open.pop(user_id, None)

    def open_for(self, user_id: int) -> int:
        with self._lock:
            return self._open.get(user_id, 0)


class RedisSlots:
    """Open live streams per user across every instance sharing one Redis."""

    def __init__(self, client, lease_seconds: float, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.lease_seconds = float(lease_seconds)
        self.prefix = prefix
        self._take = client.register_script(_TAKE)
        self._keep = client.register_script(_KEEP)
        self._open = client.register_script(_OPEN)

    def key(self, user_id: int) -> str:
        return f"{self.prefix}{int(user_id)}"

    def take(self, user_id: int, limit: int) -> str | None:
        """A new slot's id, or None when the user holds `limit` already."""
        slot = uuid.uuid4().hex
        taken = self._take(keys=[self.key(user_id)],
                           args=[int(limit), self.lease_seconds, slot])
        return slot if int(taken) else None

    def keep(self, user_id: int, slot: str) -> bool:
        """Renews the slot's lease; False when it had ended (the stream should end too)."""
        return bool(int(self._keep(keys=[self.key(user_id)], args=[self.lease_seconds, slot])))

    def give_back(self, user_id: int, slot: str) -> None:
        self.client.zrem(self.key(user_id), slot)

    def open_for(self, user_id: int) -> int:
        return int(self._open(keys=[self.key(user_id)]))


class Slot:
    """One open stream's slot: keep() while it runs (renews a Redis lease at most every
    third of it), release() once when it ends (safe to call again)."""

    def __init__(self, release, keep=None, renew_every: float = 0.0) -> None:
        self._release = release
        self._keep = keep
        self._renew_every = renew_every
        self._renewed = time.monotonic()
        self._released = threading.Event()

    def keep(self) -> bool:
        if self._keep is None or time.monotonic() - self._renewed < self._renew_every:
            return True
        self._renewed = time.monotonic()
        try:
            return self._keep()
        except Exception:  # noqa: BLE001 - Redis away a moment: the lease may still hold
            log.warning("Could not renew a live view's slot on Redis", exc_info=True)
            return True

    def release(self) -> None:
        if self._released.is_set():
            return
        self._released.set()
        try:
            self._release()
        except Exception:  # noqa: BLE001 - the lease ends it in LIVE_SLOT_LEASE_SECONDS
            log.warning("Could not give a live view's slot back on Redis", exc_info=True)


def process_slots(app) -> ProcessSlots:
    return app.extensions.setdefault(PROCESS_KEY, ProcessSlots())


def redis_slots(app) -> RedisSlots:
    from .live_bus import redis_client

    key = PROCESS_KEY + "_redis"
    if key not in app.extensions:
        app.extensions[key] = RedisSlots(
            redis_client(app), app.config["LIVE_SLOT_LEASE_SECONDS"],
            app.config.get("LIVE_SLOT_KEY_PREFIX") or KEY_PREFIX)
    return app.extensions[key]


def take(app, user_id: int, limit: int) -> Slot | None:
    """A slot for one more live view of the user's, or None when they hold `limit`."""
    if app.config.get("LIVE_STREAM_SLOTS") == "redis":
        try:
            slots = redis_slots(app)
            slot = slots.take(user_id, limit)
        except Exception:  # noqa: BLE001 - fall back to counting in this process
            log.warning("Could not count live views on Redis; counting in this process",
                        exc_info=True)
        else:
            if slot is None:
                return None
            return Slot(lambda: slots.give_back(user_id, slot),
                        keep=lambda: slots.keep(user_id, slot),
                        renew_every=slots.lease_seconds / 3)
    local = process_slots(app)
    if not local.take(user_id, limit):
        return None
    return Slot(lambda: local.give_back(user_id))
