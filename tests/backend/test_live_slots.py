"""Live views per account across instances (LIVE_STREAM_SLOTS=redis): the cap
LIVE_MAX_STREAMS_PER_USER holds for the whole server, not per worker process, and a worker
that dies gives its slots back within the lease. Against the real Redis at 127.0.0.1:6379
(PC_TEST_REDIS_URL to use another); every key this file writes has its own prefix and is
removed afterwards. Two app instances share one SQLite file, as instances share MariaDB."""
from __future__ import annotations

import os
import time
import uuid

import pytest

from backend.services import live_slots
from tests.backend.conftest import ApiUser, make_user
from tools.harness import make_app

REDIS_URL = os.environ.get("PC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis at {REDIS_URL} is not reachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: the Redis tests must run)", pytrace=False)
        pytest.skip(message)
    prefix = f"pc-test:{uuid.uuid4().hex}:live-slots:"
    yield client, prefix
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


def instances(tmp_path, prefix: str, **config):
    settings = {"LIVE_STREAM_SLOTS": "redis", "REDIS_URL": REDIS_URL,
                "LIVE_SLOT_KEY_PREFIX": prefix, "LIVE_MAX_STREAMS_PER_USER": 2,
                "LIVE_POLL_SECONDS": 0.05, "LIVE_HEARTBEAT_SECONDS": 0.1, **config}
    first = make_app(tmp_path, **settings)
    second = make_app(tmp_path, **settings)   # the same database: another instance
    return first, second


def test_the_cap_holds_across_instances(tmp_path, redis_prefix):
    """Two live views on one instance fill the account's two: the third is refused on the
    other instance too (per process, each instance allowed two more). Another account is
    not held back, and a closed view frees its slot everywhere."""
    client, prefix = redis_prefix
    one, two = instances(tmp_path, prefix)
    alice = make_user(one, "alice")
    alice_there = ApiUser(two, alice.id, alice.token, "alice")
    run = alice.create_run()
    views = [alice.get(f"/api/runs/{run['id']}/live", buffered=False),
             alice.get("/api/live", buffered=False)]
    assert [view.status_code for view in views] == [200, 200]
    refused = alice_there.get(f"/api/runs/{run['id']}/live", buffered=False)
    assert refused.status_code == 429
    assert refused.get_json() == {
        "error": "too_many_live_views",
        "message": "At most 2 live views of one account are open at once: close another "
                   "dashboard tab or second screen."}
    assert client.zcard(f"{prefix}{alice.id}") == 2
    bob = make_user(one, "bob")
    bob_there = ApiUser(two, bob.id, bob.token, "bob")
    bob_view = bob_there.get(f"/api/runs/{bob.create_run()['id']}/live", buffered=False)
    assert bob_view.status_code == 200
    bob_view.close()
    views[0].close()
    again = alice_there.get(f"/api/runs/{run['id']}/live", buffered=False)
    assert again.status_code == 200
    again.close()
    views[1].close()
    assert client.zcard(f"{prefix}{alice.id}") == 0
    assert live_slots.redis_slots(one).open_for(alice.id) == 0


def test_a_crashed_workers_slots_end_with_their_lease_and_running_views_keep_theirs(
        tmp_path, redis_prefix):
    client, prefix = redis_prefix
    one, two = instances(tmp_path, prefix, LIVE_SLOT_LEASE_SECONDS=1.0,
                         LIVE_MAX_STREAMS_PER_USER=1)
    alice = make_user(one, "alice")
    # A worker that took a slot and died: never released, never renewed.
    crashed = live_slots.redis_slots(one)
    assert crashed.take(alice.id, 1) is not None
    assert live_slots.take(two, alice.id, 1) is None
    assert 0 < client.ttl(f"{prefix}{alice.id}") <= 2   # the key itself expires too
    time.sleep(1.3)
    alive = live_slots.take(two, alice.id, 1)
    assert alive is not None
    # A view that is running renews its lease: it outlives several leases.
    for _ in range(4):
        time.sleep(0.4)
        assert alive.keep()
    assert live_slots.take(one, alice.id, 1) is None
    alive.release()
    alive.release()   # once only
    taken = live_slots.take(one, alice.id, 1)
    assert taken is not None
    taken.release()


def test_a_slot_that_ended_is_not_renewed_over_the_cap(redis_prefix):
    """A worker stalled past its lease: its slot ended and someone else took it; renewing
    must not add it back (two views over a cap of one)."""
    import redis

    client, prefix = redis_prefix
    slots = live_slots.RedisSlots(redis.Redis.from_url(REDIS_URL), 0.5, prefix)
    stalled = slots.take(7, 1)
    time.sleep(0.7)
    newcomer = slots.take(7, 1)
    assert newcomer is not None
    assert slots.keep(7, stalled) is False
    assert slots.open_for(7) == 1 and slots.keep(7, newcomer) is True


def test_without_redis_views_are_counted_per_process(tmp_path):
    """Redis not answering (a closed port) never takes live views down: they are counted
    in their process, as without Redis."""
    from tools.camera_streams import free_port

    app = make_app(tmp_path, LIVE_STREAM_SLOTS="redis", LIVE_MAX_STREAMS_PER_USER=1,
                   REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", LIVE_NOTIFY="poll")
    alice = make_user(app, "alice")
    run = alice.create_run()
    view = alice.get(f"/api/runs/{run['id']}/live", buffered=False)
    assert view.status_code == 200
    assert alice.get(f"/api/runs/{run['id']}/live", buffered=False).status_code == 429
    view.close()
    assert live_slots.process_slots(app).open_for(alice.id) == 0
