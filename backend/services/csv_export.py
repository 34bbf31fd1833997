"""CSV exports written with pandas, chunk by chunk: raw rows are read with keyset-paged
queries (EXPORT_CHUNK_ROWS at a time) so a million rows never sit in memory together.
Every row has time_utc (ISO 8601, Z) and time_local (ISO 8601 with the local offset)."""
from __future__ import annotations

import csv
import io
from typing import Iterator
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..protocol import FORMULA_STARTS
from ..repositories import stats as stats_repo

RAW_COLUMNS = {
    "events": ["event_id", "zone_key", "zone_id", "kind", "track_id", "dwell_s", "value"],
    "samples": ["sample_id", "zone_key", "zone_id", "occupancy", "entries", "exits"],
}
# One column per figure, named as on every screen (docs/usage.md): a line's row fills
# line_in/line_out, a zone's zone_entered/zone_left; the other pair stays empty.
FIGURE_COLUMNS = ["line_in", "line_out", "zone_entered", "zone_left"]
BUCKET_COLUMNS = ["time_utc", "time_local", "run_id", "zone_key", "zone_id", "zone_name",
                  "figure", *FIGURE_COLUMNS, "avg_occupancy", "max_occupancy"]


def _offset_text(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def iso_texts(naive_utc: np.ndarray, tz: ZoneInfo) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 texts of naive-UTC datetime64 values: (UTC with Z, local wall time with its
    offset), built with numpy's C string routines (no Python loop per row)."""
    naive_utc = naive_utc.astype("datetime64[ms]")
    utc_text = np.char.add(np.datetime_as_string(naive_utc, unit="ms"), "Z")
    local = pd.DatetimeIndex(naive_utc).tz_localize("UTC").tz_convert(tz)
    wall = local.tz_localize(None).to_numpy().astype("datetime64[ms]")
    offsets = (wall - naive_utc).astype("timedelta64[s]").astype(np.int64)
    unique = np.unique(offsets)
    if len(unique) == 1:
        suffix = _offset_text(int(unique[0]))
    else:
        suffix = np.array([_offset_text(int(o)) for o in unique])[
            np.searchsorted(unique, offsets)]
    return utc_text, np.char.add(np.datetime_as_string(wall, unit="ms"), suffix)


def time_columns(utc: pd.Series, tz: ZoneInfo) -> tuple[pd.Series, pd.Series]:
    """ISO 8601 texts of tz-aware UTC times: (UTC with Z, local wall time with offset)."""
    utc_text, local_text = iso_texts(utc.dt.tz_localize(None).to_numpy(), tz)
    return pd.Series(utc_text, index=utc.index, dtype=object), \
        pd.Series(local_text, index=utc.index, dtype=object)


TEXT_COLUMNS = ("zone_key", "zone_name", "kind", "figure")


def neutralise_formulas(cells: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as a formula, prefixed with ' (others as is)."""
    text = cells.astype("string")
    risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
    if not risky.any():
        return cells
    return cells.where(~risky, "'" + text)


def _neutralise_text_columns(out: pd.DataFrame) -> pd.DataFrame:
    for column in TEXT_COLUMNS:
        if column in out:
            out[column] = neutralise_formulas(out[column])
    return out


MYSQL_MAX_CHUNK = 50_000
# MySQL stores times as DATETIME(3): "YYYY-MM-DD HH:MM:SS.fff".
MYSQL_TS_WIDTH = len("2026-01-01 00:00:00.000")


def raw_csv(engine: sa.Engine, kind: str, run_id: int, tz: ZoneInfo,
            chunk_rows: int = 50_000, names: dict[str, str] | None = None) -> Iterator[str]:
    """Raw events or samples of a run, in time order, as CSV text chunks. The last column,
    zone_name, names each row's line or zone as every screen does (names: zone key -> name;
    a key without one is named by itself); it comes last so the other columns keep their
    places for scripts that read them by position."""
    columns = RAW_COLUMNS[kind]
    names = names or {}
    yield ",".join(["time_utc", "time_local", "run_id", *columns, "zone_name"]) + "\n"
    if engine.dialect.name == "mysql":
        yield from _raw_csv_mysql(engine, kind, run_id, tz, min(chunk_rows, MYSQL_MAX_CHUNK),
                                  names)
        return
    after = None
    while True:
        with engine.connect() as conn:
            rows = stats_repo.raw_rows(conn, kind, run_id, after, chunk_rows)
        if not rows:
            return
        frame = pd.DataFrame.from_records([tuple(row) for row in rows],
                                          columns=["row_id", "ts_text", *columns[1:]])
        after = (rows[-1][1], rows[-1][0])
        utc = pd.to_datetime(frame["ts_text"], format="ISO8601", utc=True)
        utc_text, local_text = time_columns(utc, tz)
        out = pd.DataFrame({"time_utc": utc_text, "time_local": local_text,
                            "run_id": run_id, columns[0]: frame["row_id"]})
        for column in columns[1:]:
            out[column] = frame[column]
        for column in ("zone_id", "track_id", "value"):
            if column in out:
                out[column] = out[column].astype("Int64")
        out["zone_name"] = frame["zone_key"].map(lambda key: names.get(key, key))
        yield _neutralise_text_columns(out).to_csv(index=False, header=False, lineterminator="\n")
        if len(rows) < chunk_rows:
            return


def _name_cells(names: dict[str, str]) -> dict[str, str]:
    """Zone key as MySQL writes it (neutralised) -> the zone_name cell (neutralised, quoted
    as CSV needs)."""
    keys = pd.Series(list(names), dtype="object")
    cells = neutralise_formulas(pd.Series(list(names.values()), dtype="object"))
    out = {}
    for key, cell in zip(neutralise_formulas(keys).tolist(), cells.tolist()):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([cell])
        out[key] = buffer.getvalue()
    return out


def _raw_csv_mysql(engine: sa.Engine, kind: str, run_id: int, tz: ZoneInfo,
                   chunk_rows: int, names: dict[str, str]) -> Iterator[str]:
    """MySQL writes each chunk's lines ("<ts>,<id>,<zone key>,..."; zone keys already
    neutralised like neutralise_formulas); numpy and pandas add the ISO UTC and local-time
    columns, and each line gets its zone's name (a key without one: the key itself)."""
    cells = _name_cells(names)
    after = None
    while True:
        with engine.connect() as conn:
            text = stats_repo.raw_csv_chunk_mysql(conn, kind, run_id, after, chunk_rows)
        if not text:
            return
        lines = text.split("\n")
        stamps = [line[:MYSQL_TS_WIDTH] for line in lines]
        rest = [line[MYSQL_TS_WIDTH + 1:] for line in lines]
        utc_text, local_text = iso_texts(
            np.array([s.replace(" ", "T") for s in stamps], dtype="datetime64[ms]"), tz)
        prefix = f",{run_id},"
        keys = [r.split(",", 2)[1] for r in rest]
        yield "".join(f"{u},{loc}{prefix}{r},{cells.get(k, k)}\n" for u, loc, r, k in
                      zip(utc_text.tolist(), local_text.tolist(), rest, keys))
        if len(lines) < chunk_rows:
            return
        after = (stamps[-1], int(rest[-1].split(",", 1)[0]))


def figure_columns(part: pd.DataFrame, by_key: dict[str, dict]) -> dict[str, pd.Series]:
    """figure, line_in, line_out, zone_entered, zone_left, avg_occupancy and max_occupancy
    of bucket rows (empty where the figure does not apply: a line has no occupancy)."""
    figure = part["zone_key"].map(lambda k: (by_key.get(k) or {}).get("figure"))
    line, zone = figure == "line", figure == "zone"
    entries, exits = part["entries"].astype("Int64"), part["exits"].astype("Int64")
    return {"figure": figure,
            "line_in": entries.where(line), "line_out": exits.where(line),
            "zone_entered": entries.where(zone), "zone_left": exits.where(zone),
            "avg_occupancy": part["avg_occupancy"].round(3).where(~line),
            "max_occupancy": part["max_occupancy"].astype("Int64").where(~line)}


def buckets_csv(frame: pd.DataFrame, zones: list[dict], run_id: int, tz: ZoneInfo,
                chunk_rows: int = 50_000) -> Iterator[str]:
    """One row per zone per bucket (frame from analytics.bucket_frame)."""
    yield ",".join(BUCKET_COLUMNS) + "\n"
    by_key = {z["zone_key"]: z for z in zones}
    for first in range(0, len(frame), chunk_rows):
        part = frame.iloc[first:first + chunk_rows]
        utc_text, local_text = time_columns(part["start"], tz)
        out = pd.DataFrame({
            "time_utc": utc_text, "time_local": local_text, "run_id": run_id,
            "zone_key": part["zone_key"],
            "zone_id": part["zone_key"].map(lambda k: (by_key.get(k) or {}).get("zone_id"))
            .astype("Int64"),
            "zone_name": part["zone_key"].map(lambda k: (by_key.get(k) or {}).get("name", k)),
            **figure_columns(part, by_key)})
        yield _neutralise_text_columns(out).to_csv(index=False, header=False, lineterminator="\n")
