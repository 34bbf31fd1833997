"""A fast reader of count batches (the hot path of ingestion). It accepts only a strict
subset of what BatchSchema accepts and builds the same values; anything else goes through
BatchSchema, so errors (and odd-but-valid inputs) get marshmallow's exact answer."""
from __future__ import annotations

import math
import re
from datetime import datetime, timezone

import marshmallow as ma

from ..errors import ApiError
from ..protocol import (EVENT_KINDS, MAX_BATCH_ROWS, MAX_DWELL_SECONDS, TRACK_ID_MAX,
                        TRACK_ID_MIN, is_key)
from .common import EARLIEST, LATEST, MAX_COUNT, MAX_ID

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
_SAMPLE_KEYS = frozenset({"ts", "zone_key", "zone_id", "occupancy", "entries", "exits", "peak"})
_EVENT_KEYS = frozenset({"ts", "zone_key", "zone_id", "kind", "track_id", "dwell_s", "value"})
_BATCH_KEYS = frozenset({"batch_id", "samples", "events", "ends_run"})
_KINDS = frozenset(EVENT_KINDS)


class _Reject(Exception):
    """Not on the fast path: let BatchSchema decide."""


def _int(value, low: int, high: int, optional: bool = False):
    if value is None and optional:
        return None
    if type(value) is not int or not low <= value <= high:
        raise _Reject
    return value


def _time(value) -> datetime:
    if type(value) is not str or not _TIME.fullmatch(value):
        raise _Reject
    try:   # the pattern lets through impossible dates and times (minute 61, 30 February)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        raise _Reject from None
    if not EARLIEST <= moment < LATEST:
        raise _Reject
    return moment


def _key(value) -> str:
    if type(value) is not str or not is_key(value):
        raise _Reject
    return value


def _sample(row) -> dict:
    if type(row) is not dict or not row.keys() <= _SAMPLE_KEYS:
        raise _Reject
    occupancy = _int(row.get("occupancy"), 0, MAX_COUNT)
    peak = _int(row.get("peak"), occupancy, MAX_COUNT, optional=True)
    return {"ts": _time(row.get("ts")), "zone_key": _key(row.get("zone_key")),
            "zone_id": _int(row.get("zone_id"), 1, MAX_ID, optional=True),
            "occupancy": occupancy,
            # Net changes: a line crossing cancelled by a return makes them negative.
            "entries": _int(row.get("entries"), -MAX_COUNT, MAX_COUNT),
            "exits": _int(row.get("exits"), -MAX_COUNT, MAX_COUNT), "peak": peak}


def _event(row) -> dict:
    if type(row) is not dict or not row.keys() <= _EVENT_KEYS or row.get("kind") not in _KINDS:
        raise _Reject
    dwell = row.get("dwell_s")
    if dwell is not None:
        if type(dwell) not in (int, float) or not math.isfinite(dwell) or \
                not 0 <= dwell <= MAX_DWELL_SECONDS:
            raise _Reject
        dwell = float(dwell)
    return {"ts": _time(row.get("ts")), "zone_key": _key(row.get("zone_key")),
            "zone_id": _int(row.get("zone_id"), 1, MAX_ID, optional=True),
            "kind": row["kind"],
            "track_id": _int(row.get("track_id"), TRACK_ID_MIN, TRACK_ID_MAX, optional=True),
            "dwell_s": dwell, "value": _int(row.get("value"), 0, MAX_COUNT, optional=True)}


def _fast(body) -> dict:
    if type(body) is not dict or not body.keys() <= _BATCH_KEYS:
        raise _Reject
    samples, events = body.get("samples", []), body.get("events", [])
    ends_run = body.get("ends_run", False)
    if type(ends_run) is not bool:
        raise _Reject
    if type(samples) is not list or type(events) is not list or \
            len(samples) > MAX_BATCH_ROWS or len(events) > MAX_BATCH_ROWS:
        raise _Reject
    return {"batch_id": _key(body.get("batch_id")),
            "samples": [_sample(row) for row in samples],
            "events": [_event(row) for row in events],
            # A batch with opt-in demographic rows goes through BatchSchema (not this path).
            "demographics": [], "ends_run": ends_run}


def read_batch(body, schema: ma.Schema) -> dict:
    """The batch as BatchSchema would load it; ApiError 422 with field errors otherwise."""
    try:
        return _fast(body)
    except _Reject:
        pass
    try:
        return schema.load(body if body is not None else {})
    except ma.ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ApiError(422, "Some fields are not valid; nothing was stored.",
                       "unprocessable_entity", fields=messages) from None

