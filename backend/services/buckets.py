"""Time buckets in a local time zone, correct across daylight-saving changes.

The database groups rows into small UTC slots (1 min for 1m buckets, 15 min otherwise:
every modern UTC offset is a multiple of 15 minutes, so a slot never straddles a local
bucket boundary). Here each slot is placed in its local bucket: the local wall-clock time
is floored and mapped back to UTC with the slot's own offset (1m/15m/1h), so the repeated
hour when clocks fall back gives two buckets; days start at local midnight and last 23, 24
or 25 hours."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

BUCKETS = {"1m": 60, "15m": 900, "1h": 3600, "1d": 86400}
_FLOOR = {"1s": "1s", "10s": "10s", "1m": "1min", "15m": "15min", "1h": "1h"}
# Chart resolution by the session's span: (longest span in seconds, step name, seconds).
CHART_STEPS = ((120, "1s", 1), (1200, "10s", 10), (6 * 3600, "1m", 60),
               (3 * 86400, "15m", 900), (float("inf"), "1h", 3600))


def chart_step(span_seconds: float) -> tuple[str, int]:
    """The step of a chart of a session lasting span_seconds: a few hundred points at most
    (1 s for two minutes, 10 s for 20 minutes, 1 min, 15 min, 1 h beyond three days)."""
    return next((name, seconds) for longest, name, seconds in CHART_STEPS
                if span_seconds <= longest)


def slot_seconds(bucket: str) -> int:
    return 60 if bucket == "1m" else 900


def local_bucket_starts(utc_starts: pd.Series, bucket: str, tz: ZoneInfo) -> pd.Series:
    """The UTC start of the local bucket holding each (tz-aware UTC) instant."""
    if utc_starts.empty:
        return utc_starts
    local = utc_starts.dt.tz_convert(tz)
    wall = local.dt.tz_localize(None)
    if bucket == "1d":
        midnight = wall.dt.normalize()
        starts = midnight.dt.tz_localize(tz, ambiguous=np.ones(len(midnight), dtype=bool),
                                         nonexistent="shift_forward")
        return starts.dt.tz_convert("UTC")
    offset = wall - utc_starts.dt.tz_localize(None)
    floored = wall.dt.floor(_FLOOR[bucket])
    return (floored - offset).dt.tz_localize("UTC")


def sample_buckets(slots: list[tuple], event_slots: list[tuple], slot_len: int, bucket: str,
                   tz: ZoneInfo) -> pd.DataFrame:
    """Rows (start UTC, zone_key, entries, exits, avg_occupancy, max_occupancy) sorted by
    start then zone. Zones without samples (lines the client only sent events for) count
    their in/out (or enter/leave) events instead."""
    frame = pd.DataFrame(
        [(k, s, en, ex, os_, n, om) for k, s, en, ex, os_, n, om in slots],
        columns=["zone_key", "slot", "entries", "exits", "occ_sum", "occ_n", "occ_max"])
    sampled = set(frame["zone_key"])
    extra = [(k, s, kind, n) for k, s, kind, n in event_slots if k not in sampled]
    if extra:
        events = pd.DataFrame(extra, columns=["zone_key", "slot", "kind", "n"])
        events["entries"] = np.select([events["kind"].isin(["in", "enter"]),
                                       events["kind"] == "cancel_in"],
                                      [events["n"], -events["n"]], 0)
        events["exits"] = np.select([events["kind"].isin(["out", "leave"]),
                                     events["kind"] == "cancel_out"],
                                    [events["n"], -events["n"]], 0)
        events = events.groupby(["zone_key", "slot"], as_index=False)[["entries", "exits"]] \
            .sum()
        events[["occ_sum", "occ_n", "occ_max"]] = 0
        frame = pd.concat([frame, events[frame.columns]], ignore_index=True)
    if frame.empty:
        return pd.DataFrame(columns=["start", "zone_key", "entries", "exits",
                                     "avg_occupancy", "max_occupancy"])
    frame["start"] = pd.to_datetime(frame["slot"].astype("int64") * slot_len, unit="s",
                                    utc=True)
    frame["start"] = local_bucket_starts(frame["start"], bucket, tz)
    grouped = frame.groupby(["start", "zone_key"], as_index=False).agg(
        entries=("entries", "sum"), exits=("exits", "sum"), occ_sum=("occ_sum", "sum"),
        occ_n=("occ_n", "sum"), max_occupancy=("occ_max", "max"))
    grouped["avg_occupancy"] = np.where(grouped["occ_n"] > 0,
                                        grouped["occ_sum"] / grouped["occ_n"].clip(lower=1),
                                        np.nan)
    grouped["max_occupancy"] = np.where(grouped["occ_n"] > 0, grouped["max_occupancy"],
                                        np.nan)
    grouped = grouped.sort_values(["start", "zone_key"], kind="stable").reset_index(drop=True)
    return grouped[["start", "zone_key", "entries", "exits", "avg_occupancy",
                    "max_occupancy"]]


def epoch_to_utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)
