"""Wake-ups for live streams across app instances. After a batch is stored, its instance
publishes the user's id on Redis (LIVE_NOTIFY=redis); every live stream of that user, on any
instance, wakes and reads the new samples at once. Without Redis (LIVE_NOTIFY=poll, the
zero-configuration SQLite default) a stream looks at the database every LIVE_POLL_SECONDS;
with Redis that poll stays as a fallback. A Redis failure never fails a batch."""
from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)
CLIENT_KEY = "people_counter_redis"


def channel(user_id: int) -> str:
    return f"people-counter:live:{user_id}"


def redis_client(app):
    """One Redis client per app (a connection pool), shared with the session store."""
    if CLIENT_KEY not in app.extensions:
        import redis

        app.extensions[CLIENT_KEY] = redis.Redis.from_url(app.config["REDIS_URL"])
    return app.extensions[CLIENT_KEY]


def publish(app, user_id: int) -> None:
    if app.config.get("LIVE_NOTIFY") != "redis":
        return
    try:
        redis_client(app).publish(channel(user_id), b"1")
    except Exception:  # noqa: BLE001 - streams still poll; the batch is stored
        log.warning("Could not publish a live wake-up on Redis", exc_info=True)


class PollWaiter:
    def __init__(self, sleep=time.sleep) -> None:
        self._sleep = sleep

    def wait(self, seconds: float) -> None:
        self._sleep(seconds)

    def close(self) -> None:
        pass


class RedisWaiter:
    """Waits until a batch of the user is stored (on any instance), or `seconds` pass."""

    def __init__(self, client, user_id: int) -> None:
        self._pubsub = client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(channel(user_id))

    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or self._pubsub.get_message(timeout=left) is not None:
                    break
            while self._pubsub.get_message(timeout=0) is not None:
                pass   # several batches at once: one read of the database is enough
        except Exception:  # noqa: BLE001 - Redis away: fall back to the poll interval
            log.warning("Live wake-ups from Redis failed; polling", exc_info=True)
            time.sleep(max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        try:
            self._pubsub.close()
        except Exception:  # noqa: BLE001
            pass


def waiter(app, user_id: int, sleep=time.sleep):
    if app.config.get("LIVE_NOTIFY") == "redis":
        try:
            return RedisWaiter(redis_client(app), user_id)
        except Exception:  # noqa: BLE001
            log.warning("Could not subscribe to live wake-ups on Redis; polling", exc_info=True)
    return PollWaiter(sleep)
