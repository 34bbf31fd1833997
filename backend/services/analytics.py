"""Stats of one run or of every run of a video: per-zone summaries, totals and local-time
buckets (the shape the stats API, the charts and the CSV export share)."""
from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from ..protocol import FRAME_KEY, iso_local, iso_utc
from ..repositories import stats as stats_repo
from . import buckets


def _describe(zone_key: str, zone_id: int | None, names: dict[int, dict],
              key_names: dict[str, dict]) -> dict:
    if zone_id is not None and zone_id in names:
        return {"name": names[zone_id]["name"], "kind": names[zone_id]["kind"]}
    if zone_key == FRAME_KEY:
        # The name every screen gives it (dashboard, chart images, the monitor's panel).
        return {"name": "People in view", "kind": "frame"}
    if zone_key in key_names:  # a zone the run counted without saving it
        return {"name": key_names[zone_key]["name"], "kind": key_names[zone_key]["kind"]}
    return {"name": zone_key, "kind": None}


LINE_KINDS = ("line", "band")
CROSSING_KINDS = ("in", "out", "cancel_in", "cancel_out")
VISIT_KINDS = ("enter", "leave")


def figure_of(zone_key: str, kind: str | None, counted: dict, peak: int | None,
              moved: bool = False) -> str | None:
    """What a key's entries and exits mean (docs/usage.md, "What the figures mean"):
    "line" (in / out: people who crossed a line or band, net of cancelled crossings),
    "zone" (entered / left: visits to a polygon zone; it also has an occupancy) or "frame"
    (people in view). A key the user never saved has no kind here: its events tell, else its
    samples (a line's occupancy is always 0; `moved`: its samples count people)."""
    if zone_key == FRAME_KEY or kind == "frame":
        return "frame"
    if kind in LINE_KINDS:
        return "line"
    if kind == "polygon":
        return "zone"
    if any(counted.get(k) for k in CROSSING_KINDS):
        return "line"
    if any(counted.get(k) for k in VISIT_KINDS) or (peak or 0) > 0:
        return "zone"
    return "line" if moved else None


def named_figures(figure: str | None, entries: int, exits: int) -> dict:
    """The one name of each count: line_in/line_out for lines, zone_entered/zone_left for
    zones (None where the figure does not apply)."""
    line, zone = figure == "line", figure == "zone"
    return {"line_in": entries if line else None, "line_out": exits if line else None,
            "zone_entered": entries if zone else None, "zone_left": exits if zone else None}


def zone_rows(conn: sa.Connection, run_ids: list[int]) -> list[dict]:
    samples = stats_repo.zone_summaries(conn, run_ids)
    events = stats_repo.event_summaries(conn, run_ids)
    current = stats_repo.current_occupancy(conn, run_ids)
    ids = {row.get("zone_id") for row in [*samples.values(), *events.values()]} - {None}
    names = stats_repo.zone_names(conn, ids)
    key_names = stats_repo.run_key_names(conn, run_ids)
    rows = []
    for zone_key in sorted(set(samples) | set(events)):
        sampled, counted = samples.get(zone_key), events.get(zone_key, {})
        zone_id = (sampled or {}).get("zone_id") or counted.get("zone_id")
        if sampled is not None:
            entries, exits = sampled["entries"], sampled["exits"]
        else:
            entries = counted.get("in", 0) - counted.get("cancel_in", 0) + counted.get("enter", 0)
            exits = counted.get("out", 0) - counted.get("cancel_out", 0) + counted.get("leave", 0)
        described = _describe(zone_key, zone_id, names, key_names)
        figure = figure_of(zone_key, described["kind"], counted,
                           sampled["peak_occupancy"] if sampled else None,
                           moved=bool(entries or exits))
        rows.append({
            "zone_key": zone_key, "zone_id": zone_id, **described, "figure": figure,
            "entries": entries, "exits": exits, **named_figures(figure, entries, exits),
            # A line has no occupancy (its samples say 0): none, as on the dashboard.
            "current_occupancy": None if figure == "line" else current.get(zone_key),
            "peak_occupancy": sampled["peak_occupancy"] if sampled and figure != "line"
            else None,
            "avg_dwell_s": counted.get("avg_dwell_s"),
            "samples": sampled["samples"] if sampled else 0,
            "events": sum(v for k, v in counted.items()
                          if k not in ("zone_id", "avg_dwell_s")),
            "last_ts": sampled["last_ts"] if sampled else None,
        })
    return rows


def _peak(zones: list[dict], figure: str) -> int | None:
    peaks = [z["peak_occupancy"] for z in zones
             if z["figure"] == figure and z["peak_occupancy"] is not None]
    return max(peaks) if peaks else None


def totals(conn: sa.Connection, run_ids: list[int], zones: list[dict]) -> dict:
    """Each figure summed over the keys it belongs to (never lines and zones together)."""
    last = [z["last_ts"] for z in zones if z["last_ts"] is not None]
    return {"runs": len(run_ids),
            **{name: sum(z[name] or 0 for z in zones)
               for name in ("line_in", "line_out", "zone_entered", "zone_left")},
            "peak_occupancy": _peak(zones, "zone"),
            "peak_in_view": _peak(zones, "frame"),
            "samples": sum(z["samples"] for z in zones),
            "events": sum(z["events"] for z in zones),
            "alerts": stats_repo.alert_count(conn, run_ids),
            "last_sample_at": max(last) if last else None}


def bucket_frame(conn: sa.Connection, run_ids: list[int], bucket: str, tz: ZoneInfo,
                 start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    slot_len = buckets.slot_seconds(bucket)
    return buckets.sample_buckets(
        stats_repo.sample_slots(conn, run_ids, slot_len, start, end),
        stats_repo.event_slots(conn, run_ids, slot_len, start, end), slot_len, bucket, tz)


def chart_frame(conn: sa.Connection, run_ids: list[int], tz: ZoneInfo,
                bucket: str | None = None) -> pd.DataFrame:
    """Buckets for a chart: the given bucket, else a step that fits the data's span."""
    if bucket is None:
        first, last = stats_repo.time_span(conn, run_ids)
        span = (last - first).total_seconds() if first and last else 0
        bucket, slot_len = buckets.chart_step(span)
    else:
        slot_len = buckets.slot_seconds(bucket)
    return buckets.sample_buckets(stats_repo.sample_slots(conn, run_ids, slot_len),
                                  stats_repo.event_slots(conn, run_ids, slot_len),
                                  slot_len, bucket, tz)


def _number(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 3) if isinstance(value, float) else int(value)


def figures_by_key(zones: list[dict]) -> dict[str, str | None]:
    return {z["zone_key"]: z["figure"] for z in zones}


def bucket_rows(frame: pd.DataFrame, tz: ZoneInfo,
                figures: dict[str, str | None] | None = None) -> list[dict]:
    if frame.empty:
        return []
    figures = figures or {}
    return [{"start": iso_utc(row.start), "start_local": iso_local(row.start, tz),
             "zone_key": row.zone_key, "figure": figures.get(row.zone_key),
             "entries": int(row.entries), "exits": int(row.exits),
             **named_figures(figures.get(row.zone_key), int(row.entries), int(row.exits)),
             **_occupancy(figures.get(row.zone_key), row)}
            for row in frame.itertuples(index=False)]


def _occupancy(figure: str | None, row) -> dict:
    """A bucket's average and highest occupancy; none for a line (it has no occupancy)."""
    if figure == "line":
        return {"avg_occupancy": None, "max_occupancy": None}
    return {"avg_occupancy": _number(row.avg_occupancy),
            "max_occupancy": _number(row.max_occupancy)}


def build(conn: sa.Connection, run_ids: list[int], bucket: str, tz: ZoneInfo,
          start: datetime | None = None, end: datetime | None = None) -> dict:
    zones = zone_rows(conn, run_ids)
    frame = bucket_frame(conn, run_ids, bucket, tz, start, end)
    return {"totals": totals(conn, run_ids, zones), "zones": zones, "bucket": bucket,
            "tz": str(tz.key), "buckets": bucket_rows(frame, tz, figures_by_key(zones))}
