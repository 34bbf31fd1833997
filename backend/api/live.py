"""Live counts for a second screen: server-sent events. Each stream reads the database when
woken by a batch stored on any instance (Redis, services/live_bus.py) or every
LIVE_POLL_SECONDS, so it sees batches posted to any worker process, sends a `counts` event
when new samples arrived, a comment as heartbeat, and ends after LIVE_MAX_SECONDS (the
browser's EventSource reconnects by itself)."""
from __future__ import annotations

import time

from flask import Response, current_app
from flask_smorest import Blueprint

from ..db import get_engine, transaction
from ..errors import ApiError
from ..repositories import runs as run_repo
from ..services import live_bus, live_slots
from ..services.live import LiveCounts, sse
from .common import ID_CONVERTER, current_user_id, not_found, require_user
from .runs import owned_run

blp = Blueprint("api_live", __name__, url_prefix="/api",
                description="Live counts (text/event-stream)")
blp.before_request(require_user)
SSE_DOC = {"200": {"description": "Server-sent events: `counts` (JSON {run_id, zones}), "
                                  "`run` when /api/live switches to another run",
                   "content": {"text/event-stream": {"schema": {"type": "string"}}}}}


def _stream(engine, user_id: int, run_id: int | None, follow_latest: bool, config: dict,
            waiter, slot: live_slots.Slot):
    try:
        yield from _events(engine, user_id, run_id, follow_latest, config, waiter, slot)
    finally:
        waiter.close()


def _events(engine, user_id: int, run_id: int | None, follow_latest: bool, config: dict,
            waiter, slot: live_slots.Slot):
    poll = float(config["LIVE_POLL_SECONDS"])
    heartbeat = float(config["LIVE_HEARTBEAT_SECONDS"])
    # a slot counted on Redis is renewed every third of its lease: wake at least that often
    lease_step = float(config.get("LIVE_SLOT_LEASE_SECONDS") or 60) / 3
    deadline = time.monotonic() + float(config["LIVE_MAX_SECONDS"])
    yield f"retry: {int(max(poll, 1) * 2000)}\n\n"
    counts = None
    last_beat = time.monotonic()
    while True:
        with engine.connect() as conn:
            if follow_latest:
                latest = run_repo.most_recent(conn, user_id)
                latest_id = latest["id"] if latest else None
                if latest_id != run_id or counts is None:
                    run_id = latest_id
                    counts = None
                    yield sse("run", {"run_id": run_id})
            if run_id is not None and counts is None:
                counts = LiveCounts(run_id)
                counts.load(conn)
                changed = True
            else:
                changed = counts.advance(conn) if counts is not None else False
        if changed:
            yield sse("counts", counts.payload())
            last_beat = time.monotonic()
        elif time.monotonic() - last_beat >= heartbeat:
            yield ": heartbeat\n\n"
            last_beat = time.monotonic()
        wait = min(poll, heartbeat, lease_step)
        if time.monotonic() + wait > deadline:
            yield ": stream lifetime reached; reconnect\n\n"
            return
        if not slot.keep():
            yield ": live view slot expired; reconnect\n\n"
            return
        waiter.wait(wait)


def stream_slots(app) -> live_slots.ProcessSlots:
    """This process's count of open live views (LIVE_STREAM_SLOTS=process)."""
    return live_slots.process_slots(app)


def _take_slot(user_id: int) -> live_slots.Slot:
    """A slot for one more stream of the user's (in this process, or across instances on
    Redis), or a 429."""
    limit = int(current_app.config["LIVE_MAX_STREAMS_PER_USER"])
    slot = live_slots.take(current_app._get_current_object(), user_id, limit)
    if slot is None:
        where = "" if current_app.config.get("LIVE_STREAM_SLOTS") == "redis" else " here"
        raise ApiError(429, f"At most {limit} live views of one account are open at "
                            f"once{where}: close another dashboard tab or second screen.",
                       "too_many_live_views")
    return slot


def _response(stream, release=None) -> Response:
    response = Response(stream, mimetype="text/event-stream")
    if release is not None:
        response.call_on_close(release)   # however the stream ends, even before it starts
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@blp.route(f"/runs/<{ID_CONVERTER}:run_id>/live")
@blp.doc(responses=SSE_DOC)
def run_live(run_id: int):
    """Live per-zone counts of one run (first `counts` event at once, then after each
    batch)."""
    with transaction() as conn:
        owned_run(conn, run_id)
    user_id = current_user_id()
    slot = _take_slot(user_id)
    try:
        return _response(_stream(get_engine(), user_id, run_id, False,
                                 dict(current_app.config), _waiter(user_id), slot),
                         slot.release)
    except BaseException:
        slot.release()
        raise


@blp.route("/live")
@blp.doc(responses=SSE_DOC)
def latest_live():
    """Live counts of the user's most recently active run (follows newer runs)."""
    user_id = current_user_id()
    with transaction() as conn:
        if run_repo.most_recent(conn, user_id) is None:
            raise not_found("run (start counting first)")
    slot = _take_slot(user_id)
    try:
        return _response(_stream(get_engine(), user_id, None, True, dict(current_app.config),
                                 _waiter(user_id), slot), slot.release)
    except BaseException:
        slot.release()
        raise


def _waiter(user_id: int):
    return live_bus.waiter(current_app._get_current_object(), user_id,
                           sleep=lambda seconds: time.sleep(seconds))
