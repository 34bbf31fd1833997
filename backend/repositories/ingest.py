"""Idempotent ingestion: a batch row (unique per user and client batch id) with its samples
and events, written in one transaction."""
from __future__ import annotations

import sqlalchemy as sa

from ..schema import alerts, count_events, count_samples, ingest_batches, runs, utcnow
from .runs import RUN_COLUMNS


def find_batch(conn: sa.Connection, user_id: int, batch_key: str) -> dict | None:
    row = conn.execute(sa.select(
        ingest_batches.c.id, ingest_batches.c.run_id, ingest_batches.c.sample_count,
        ingest_batches.c.event_count).where(
        ingest_batches.c.user_id == user_id,
        ingest_batches.c.batch_key == batch_key)).mappings().first()
    return dict(row) if row else None


def run_and_batch(conn: sa.Connection, user_id: int, run_id: int,
                  batch_key: str) -> tuple[dict | None, dict | None, bool]:
    """One round trip for the ingest hot path: the user's run (None: not theirs), the batch
    already stored under this id (as find_batch), and whether the run has an open alert."""
    b = ingest_batches
    open_alert = sa.exists().where(alerts.c.run_id == runs.c.id, alerts.c.ended_at.is_(None))
    row = conn.execute(
        sa.select(*RUN_COLUMNS, b.c.id.label("stored_id"), b.c.run_id.label("stored_run_id"),
                  b.c.sample_count, b.c.event_count, open_alert.label("has_open_alert"))
        .select_from(runs.outerjoin(b, sa.and_(b.c.user_id == user_id,
                                               b.c.batch_key == batch_key)))
        .where(runs.c.id == run_id, runs.c.user_id == user_id)).mappings().first()
    if row is None:
        return None, None, False
    run = {column.name: row[column.name] for column in RUN_COLUMNS}
    stored = None if row["stored_id"] is None else {
        "id": row["stored_id"], "run_id": row["stored_run_id"],
        "sample_count": row["sample_count"], "event_count": row["event_count"]}
    return run, stored, bool(row["has_open_alert"])


def insert_batch(conn: sa.Connection, user_id: int, run_id: int, batch_key: str,
                 samples: list[dict], events: list[dict]) -> int:
    """Writes the batch row first (so a concurrent identical batch waits on, then fails
    with, the unique key: IntegrityError), then the samples and events."""
    result = conn.execute(sa.insert(ingest_batches).values(
        user_id=user_id, run_id=run_id, batch_key=batch_key, received_at=utcnow(),
        sample_count=len(samples), event_count=len(events)))
    batch_pk = result.inserted_primary_key[0]
    if samples:
        conn.execute(sa.insert(count_samples), [{
            "run_id": run_id, "zone_id": s.get("zone_id"), "batch_id": batch_pk,
            "zone_key": s["zone_key"], "ts": s["ts"], "occupancy": s["occupancy"],
            "entries": s["entries"], "exits": s["exits"],
            # The peak between samples, kept where roll-ups keep theirs (NULL: = occupancy).
            "occupancy_max": _peak_above(s)} for s in samples])
    if events:
        conn.execute(sa.insert(count_events), [{
            "run_id": run_id, "zone_id": e.get("zone_id"), "batch_id": batch_pk,
            "zone_key": e["zone_key"], "ts": e["ts"], "kind": e["kind"],
            "track_id": e.get("track_id"), "dwell_s": e.get("dwell_s"),
            "value": e.get("value")} for e in events])
    return batch_pk


def counts_for_run(conn: sa.Connection, run_id: int) -> dict:
    """Rows stored for a run: {batches, samples, events}."""
    def count(table):
        return conn.execute(sa.select(sa.func.count()).select_from(table)
                            .where(table.c.run_id == run_id)).scalar_one()
    return {"batches": count(ingest_batches), "samples": count(count_samples),
            "events": count(count_events)}


def net_totals(conn: sa.Connection, run_id: int, zone_keys: set[str]) -> dict[str, tuple]:
    """zone_key -> (sum of entries, sum of exits) stored for the run, for the given keys."""
    if not zone_keys:
        return {}
    s = count_samples
    rows = conn.execute(sa.select(s.c.zone_key, sa.func.sum(s.c.entries),
                                  sa.func.sum(s.c.exits))
                        .where(s.c.run_id == run_id, s.c.zone_key.in_(sorted(zone_keys)))
                        .group_by(s.c.zone_key)).all()
    return {key: (int(entries or 0), int(exits or 0)) for key, entries, exits in rows}


def _peak_above(sample: dict) -> int | None:
    peak = sample.get("peak")
    return peak if peak is not None and peak > sample["occupancy"] else None
