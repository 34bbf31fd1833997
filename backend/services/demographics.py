"""Demographic aggregates (opt-in, docs/demographics.md): the rules for the rows a batch may
carry, and the per-bucket, per-zone summaries the stats API, the CSV and the chart share.
The server only adds counts up; it never sees a face, a crop or a person."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from ..protocol import AGE_BANDS, GENDERS, UNKNOWN_ESTIMATE, iso_local, iso_utc
from ..repositories import demographics as repo
from . import buckets

COLUMNS = ["start", "zone_key", "kind", "gender", "age_band", "count"]


def _cell(row: dict) -> tuple:
    minute = row["ts"].replace(second=0, microsecond=0)
    return (row["zone_key"], minute, row["kind"], row["gender"], row["age_band"])


def changes(rows: list[dict]) -> dict[tuple, int]:
    """The batch's rows summed per cell (the minute is the row's time without seconds)."""
    summed: dict[tuple, int] = {}
    for row in rows:
        cell = _cell(row)
        summed[cell] = summed.get(cell, 0) + row["count"]
    return summed


# A cell's count fits a signed 32-bit INTEGER column on both databases, with room to spare.
MAX_CELL_COUNT = 2_000_000_000


def cell_problems(conn: sa.Connection, run_id: int, rows: list[dict]) -> dict:
    """Field errors for rows that would take a cell below zero (a cancellation of a count
    that was never made) or above MAX_CELL_COUNT. One query for the batch's cells."""
    if not rows:
        return {}
    summed = changes(rows)
    stored = repo.current(conn, run_id, set(summed))
    problems = {}
    for index, row in enumerate(rows):
        cell = _cell(row)
        total = stored.get(cell, 0) + summed[cell]
        if row["count"] < 0 and total < 0:
            message = "This would take the count of its minute, gender and age band below zero."
        elif row["count"] > 0 and total > MAX_CELL_COUNT:
            message = f"This would take the count of its cell above {MAX_CELL_COUNT}."
        else:
            continue
        problems[str(index)] = {"count": [message]}
    return {"demographics": problems} if problems else {}


def add_counts(conn: sa.Connection, run_id: int, rows: list[dict]) -> None:
    repo.add(conn, run_id, changes(rows))


def bucket_frame(conn: sa.Connection, run_ids: list[int], bucket: str, tz: ZoneInfo,
                 start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """Counts per local bucket, zone key, kind, gender and age band (non-zero rows)."""
    rows = repo.minute_rows(conn, run_ids, start, end)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["start"] = buckets.local_bucket_starts(frame["start"], bucket, tz)
    frame["count"] = frame["count"].astype("int64")
    grouped = frame.groupby(COLUMNS[:-1], as_index=False)["count"].sum()
    grouped = grouped[grouped["count"] != 0]
    return grouped.sort_values(COLUMNS[:-1], kind="stable").reset_index(drop=True)


def bucket_rows(frame: pd.DataFrame, tz: ZoneInfo) -> list[dict]:
    return [{"start": iso_utc(row.start), "start_local": iso_local(row.start, tz),
             "zone_key": row.zone_key, "kind": row.kind, "gender": row.gender,
             "age_band": row.age_band, "count": int(row.count)}
            for row in frame.itertuples(index=False)]


def totals(frame: pd.DataFrame, names: dict[str, str]) -> list[dict]:
    """Per zone key and kind: counts by gender, by age band, and how many had no estimate."""
    result = []
    if frame.empty:
        return result
    for (zone_key, kind), part in frame.groupby(["zone_key", "kind"], sort=True):
        by_gender = {g: int(part.loc[part["gender"] == g, "count"].sum()) for g in GENDERS}
        by_band = {b: int(part.loc[part["age_band"] == b, "count"].sum()) for b in AGE_BANDS}
        result.append({"zone_key": zone_key, "name": names.get(zone_key, zone_key),
                       "kind": kind, "total": int(part["count"].sum()),
                       "by_gender": by_gender, "by_age_band": by_band,
                       "no_estimate": by_band[UNKNOWN_ESTIMATE]})
    return result
