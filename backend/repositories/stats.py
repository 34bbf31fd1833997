"""Aggregate queries behind stats, charts, CSV and the live stream. Time slots are computed
in SQL from seconds since the epoch (UTC), the same on SQLite and MySQL."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlalchemy as sa

from ..protocol import FORMULA_STARTS
from ..schema import alerts, count_events, count_samples, runs, zones


def epoch_seconds(conn: sa.Connection, column) -> sa.ColumnElement:
    if conn.dialect.name == "mysql":
        return sa.func.timestampdiff(sa.literal_column("SECOND"),
                                     sa.literal("1970-01-01 00:00:00"), column,
                                     type_=sa.Integer)
    return sa.cast(sa.func.strftime("%s", column), sa.Integer)


def _slot(conn: sa.Connection, column, seconds: int) -> sa.ColumnElement:
    """Whole slots since the epoch (floor division on both dialects)."""
    return epoch_seconds(conn, column) // sa.literal(seconds, sa.Integer)


def occupancy_sum() -> sa.ColumnElement:
    """A sample row's occupancy sum: its own occupancy, or the sum it stands for when the
    retention roll-up merged several samples into it (sample_count of them)."""
    return sa.func.coalesce(count_samples.c.occupancy_sum, count_samples.c.occupancy)


def occupancy_max() -> sa.ColumnElement:
    return sa.func.coalesce(count_samples.c.occupancy_max, count_samples.c.occupancy)


def _range(table, run_ids: list[int], start: datetime | None, end: datetime | None) -> list:
    where = [table.c.run_id.in_(run_ids)]
    if start is not None:
        where.append(table.c.ts >= start)
    if end is not None:
        where.append(table.c.ts < end)
    return where


def _upto(where: list, up_to_id: int | None) -> list:
    return where + ([count_samples.c.id <= up_to_id] if up_to_id is not None else [])


def zone_summaries(conn: sa.Connection, run_ids: list[int],
                   up_to_id: int | None = None) -> dict[str, dict]:
    """zone_key -> {zone_id, entries, exits, peak_occupancy, samples, last_ts} (samples
    with id <= up_to_id when given)."""
    if not run_ids:
        return {}
    s = count_samples
    rows = conn.execute(sa.select(
        s.c.zone_key, sa.func.max(s.c.zone_id).label("zone_id"),
        sa.func.sum(s.c.entries).label("entries"), sa.func.sum(s.c.exits).label("exits"),
        sa.func.max(occupancy_max()).label("peak_occupancy"),
        sa.func.sum(s.c.sample_count).label("samples"), sa.func.max(s.c.ts).label("last_ts"))
        .where(*_upto([s.c.run_id.in_(run_ids)], up_to_id)).group_by(s.c.zone_key)
    ).mappings().all()
    return {r["zone_key"]: {**r, "entries": int(r["entries"] or 0),
                            "exits": int(r["exits"] or 0), "samples": int(r["samples"] or 0),
                            "last_ts": _aware(r["last_ts"])} for r in rows}


def _aware(value):
    if value is None or isinstance(value, datetime) and value.tzinfo:
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc)


def current_occupancy(conn: sa.Connection, run_ids: list[int],
                      up_to_id: int | None = None) -> dict[str, int]:
    """zone_key -> occupancy of its latest sample by time (not by arrival: a batch sent late
    does not overwrite newer numbers); among samples of the same time, the last stored."""
    if not run_ids:
        return {}
    s = count_samples
    rank = sa.func.row_number().over(partition_by=s.c.zone_key,
                                     order_by=(s.c.ts.desc(), s.c.id.desc())).label("rank")
    ranked = sa.select(s.c.zone_key, s.c.occupancy, rank) \
        .where(*_upto([s.c.run_id.in_(run_ids)], up_to_id)).subquery()
    rows = conn.execute(sa.select(ranked.c.zone_key, ranked.c.occupancy)
                        .where(ranked.c.rank == 1)).all()
    return {zone_key: occupancy for zone_key, occupancy in rows}


def event_summaries(conn: sa.Connection, run_ids: list[int]) -> dict[str, dict]:
    """zone_key -> {zone_id, in, out, enter, leave, alert_start, alert_end, avg_dwell_s}."""
    if not run_ids:
        return {}
    e = count_events
    rows = conn.execute(sa.select(
        e.c.zone_key, e.c.kind, sa.func.count().label("n"),
        sa.func.max(e.c.zone_id).label("zone_id"), sa.func.avg(e.c.dwell_s).label("dwell"))
        .where(e.c.run_id.in_(run_ids)).group_by(e.c.zone_key, e.c.kind)).mappings().all()
    summary: dict[str, dict] = {}
    for row in rows:
        entry = summary.setdefault(row["zone_key"], {"zone_id": None, "avg_dwell_s": None})
        entry[row["kind"]] = int(row["n"])
        entry["zone_id"] = entry["zone_id"] or row["zone_id"]
        if row["kind"] == "leave" and row["dwell"] is not None:
            entry["avg_dwell_s"] = round(float(row["dwell"]), 3)
    return summary


def zone_names(conn: sa.Connection, zone_ids: set[int]) -> dict[int, dict]:
    if not zone_ids:
        return {}
    rows = conn.execute(sa.select(zones.c.id, zones.c.name, zones.c.kind)
                        .where(zones.c.id.in_(sorted(zone_ids)))).mappings().all()
    return {r["id"]: dict(r) for r in rows}


def run_key_names(conn: sa.Connection, run_ids: list[int]) -> dict[str, dict]:
    """{key: {"name", "kind"}} the runs were started with for their unsaved zones."""
    if not run_ids:
        return {}
    merged: dict[str, dict] = {}
    for (text,) in conn.execute(sa.select(runs.c.key_names).where(
            runs.c.id.in_(sorted(run_ids)), runs.c.key_names.is_not(None))
            .order_by(runs.c.id)).all():
        merged.update(json.loads(text))
    return merged


def time_span(conn: sa.Connection, run_ids: list[int]) -> tuple:
    """(first, last) time of the runs' samples and events (None, None without any)."""
    if not run_ids:
        return None, None
    bounds = []
    for table in (count_samples, count_events):
        bounds.append(conn.execute(sa.select(sa.func.min(table.c.ts), sa.func.max(table.c.ts))
                                   .where(table.c.run_id.in_(run_ids))).one())
    firsts = [_aware(b[0]) for b in bounds if b[0] is not None]
    lasts = [_aware(b[1]) for b in bounds if b[1] is not None]
    return (min(firsts), max(lasts)) if firsts else (None, None)


def alert_count(conn: sa.Connection, run_ids: list[int]) -> int:
    if not run_ids:
        return 0
    return conn.execute(sa.select(sa.func.count()).select_from(alerts)
                        .where(alerts.c.run_id.in_(run_ids))).scalar_one()


def sample_slots(conn: sa.Connection, run_ids: list[int], slot_seconds: int,
                 start: datetime | None = None, end: datetime | None = None) -> list[tuple]:
    """Per zone and UTC slot: (zone_key, slot, entries, exits, occupancy_sum, samples,
    occupancy_max); slot * slot_seconds is the slot's start in seconds since the epoch."""
    if not run_ids:
        return []
    s = count_samples
    slot = _slot(conn, s.c.ts, slot_seconds).label("slot")
    rows = conn.execute(sa.select(
        s.c.zone_key, slot, sa.func.sum(s.c.entries), sa.func.sum(s.c.exits),
        sa.func.sum(occupancy_sum()), sa.func.sum(s.c.sample_count),
        sa.func.max(occupancy_max()))
        .where(*_range(s, run_ids, start, end)).group_by(s.c.zone_key, slot)).all()
    return [(k, int(sl), int(en or 0), int(ex or 0), int(os_ or 0), int(n), int(om or 0))
            for k, sl, en, ex, os_, n, om in rows]


def event_slots(conn: sa.Connection, run_ids: list[int], slot_seconds: int,
                start: datetime | None = None, end: datetime | None = None) -> list[tuple]:
    """Per zone, UTC slot and kind: (zone_key, slot, kind, count) for in/out (and their
    cancel_in/cancel_out) and enter/leave."""
    if not run_ids:
        return []
    e = count_events
    slot = _slot(conn, e.c.ts, slot_seconds).label("slot")
    rows = conn.execute(sa.select(e.c.zone_key, slot, e.c.kind, sa.func.count())
                        .where(*_range(e, run_ids, start, end),
                               e.c.kind.in_(("in", "out", "cancel_in", "cancel_out", "enter",
                                                     "leave")))
                        .group_by(e.c.zone_key, slot, e.c.kind)).all()
    return [(k, int(sl), kind, int(n)) for k, sl, kind, n in rows]


def samples_after(conn: sa.Connection, run_id: int, after_id: int) -> list[dict]:
    """Samples of a run with id > after_id, oldest first (the live stream's increments)."""
    s = count_samples
    rows = conn.execute(sa.select(s.c.id, s.c.zone_key, s.c.zone_id, s.c.ts, s.c.occupancy,
                                  s.c.entries, s.c.exits)
                        .where(s.c.id > after_id, s.c.run_id == run_id)
                        .order_by(s.c.id).limit(100_000)).mappings().all()
    return [dict(r) for r in rows]


def max_sample_id(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.coalesce(sa.func.max(count_samples.c.id), 0))
                        ).scalar_one()


def raw_rows(conn: sa.Connection, table_name: str, run_id: int, after: tuple | None,
             limit: int) -> list[tuple]:
    """A page of raw samples or events of a run in (ts, id) order, after the keyset
    `after` = (ts_text, id). ts comes back as text (fast to parse in bulk)."""
    table = count_events if table_name == "events" else count_samples
    ts_text = sa.cast(table.c.ts, sa.String(32)).label("ts_text")
    columns = [table.c.id, ts_text, table.c.zone_key, table.c.zone_id]
    if table_name == "events":
        columns += [table.c.kind, table.c.track_id, table.c.dwell_s, table.c.value]
    else:
        columns += [table.c.occupancy, table.c.entries, table.c.exits]
    query = sa.select(*columns).where(table.c.run_id == run_id)
    if after is not None:
        ts_after = datetime.fromisoformat(after[0]).replace(tzinfo=timezone.utc)
        query = query.where(table.c.ts >= ts_after, sa.or_(table.c.ts > ts_after,
                                                           table.c.id > after[1]))
    return conn.execute(query.order_by(table.c.ts, table.c.id).limit(limit)).all()


# Raw rows as CSV text made by MySQL itself: pymysql decodes every column of every row in
# Python, which dominates a million-row export; one GROUP_CONCAT per chunk avoids that.
# A zone key a spreadsheet would run as a formula gets a leading ' (protocol.FORMULA_STARTS).
_FORMULA_CHARS = ", ".join(f"CHAR({ord(start)} USING utf8mb4)" for start in FORMULA_STARTS)
_MYSQL_ZONE_KEY = (f"IF(LEFT(e.zone_key, 1) IN ({_FORMULA_CHARS}), "
                   "CONCAT(CHAR(39 USING utf8mb4), e.zone_key), e.zone_key)")
_MYSQL_FIELDS = {
    "events": f"e.id, {_MYSQL_ZONE_KEY}, IFNULL(e.zone_id, ''), e.kind, "
              "IFNULL(e.track_id, ''), IFNULL(e.dwell_s, ''), IFNULL(e.value, '')",
    "samples": f"e.id, {_MYSQL_ZONE_KEY}, IFNULL(e.zone_id, ''), e.occupancy, e.entries, "
               "e.exits",
}
_MYSQL_TABLES = {"events": "count_events", "samples": "count_samples"}


def raw_csv_chunk_mysql(conn: sa.Connection, table_name: str, run_id: int,
                        after: tuple | None, limit: int) -> str | None:
    """Up to `limit` rows of a run after the keyset `after` = (ts_text, id), as lines
    "YYYY-MM-DD HH:MM:SS.fff,<id>,<fields...>" in (ts, id) order; None when done."""
    conn.exec_driver_sql("SET SESSION group_concat_max_len = 1073741824")
    keyset = ""
    params: dict = {"run": run_id, "limit": limit}
    if after is not None:
        keyset = "AND e.ts >= %(ts)s AND (e.ts > %(ts)s OR e.id > %(id)s)"
        params.update(ts=after[0], id=after[1])
    sql = (
        "SELECT GROUP_CONCAT(line ORDER BY ts, id SEPARATOR '\n') FROM ("
        "SELECT e.ts, e.id, CONCAT_WS(',', e.ts, "
        f"{_MYSQL_FIELDS[table_name]}) AS line FROM {_MYSQL_TABLES[table_name]} e "
        f"WHERE e.run_id = %(run)s {keyset} ORDER BY e.ts, e.id LIMIT %(limit)s) AS chunk")
    return conn.exec_driver_sql(sql, params).scalar()
