"""Retention: raw samples older than RETENTION_RAW_DAYS become one row per zone and minute,
rows older than RETENTION_MINUTE_DAYS one per zone and RETENTION_COARSE_SECONDS (an hour).

A merged row keeps what every total needs: entries and exits summed, how many samples it
stands for (sample_count), their occupancy sum and maximum, and the time and occupancy of
the slot's latest sample (so "current occupancy" and the slot it falls in do not move).
Totals, peaks, averages and every bucket at least as long as the roll-up's slot are the
same before and after (tests/backend/test_retention.py compares them). Run it from cron or
a systemd timer: `flask --app backend rollup`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..repositories import retention as retention_repo
from ..schema import utcnow


@dataclass
class StageReport:
    resolution_s: int
    rows_read: int = 0
    rows_removed: int = 0


def merge_slots(rows: list[dict], resolution_s: int) -> tuple[list[dict], list[int]]:
    """Pure: rows (in (ts, id) order) grouped by zone and slot; returns one merged row per
    group (the id of the group's latest row) and the ids of the others, to delete."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        slot = int(row["ts"].timestamp()) // resolution_s
        groups.setdefault((row["zone_key"], slot), []).append(row)
    merged, absorbed = [], []
    for members in groups.values():
        latest = members[-1]
        zone_ids = [m["zone_id"] for m in members if m["zone_id"] is not None]
        merged.append({
            "id": latest["id"], "zone_id": max(zone_ids) if zone_ids else None,
            "occupancy": latest["occupancy"],
            "entries": sum(m["entries"] for m in members),
            "exits": sum(m["exits"] for m in members),
            "sample_count": sum(m["sample_count"] for m in members),
            "occupancy_sum": sum(_occupancy_sum(m) for m in members),
            "occupancy_max": max(_occupancy_max(m) for m in members)})
        absorbed += [m["id"] for m in members[:-1]]
    return merged, absorbed


def _occupancy_sum(row: dict) -> int:
    return row["occupancy_sum"] if row["occupancy_sum"] is not None else row["occupancy"]


def _occupancy_max(row: dict) -> int:
    return row["occupancy_max"] if row["occupancy_max"] is not None else row["occupancy"]


def roll_up(engine: sa.Engine, before: datetime, resolution_s: int,
            chunk_rows: int = 20_000, progress=None) -> StageReport:
    """One stage: every sample older than `before` and finer than the resolution, a run at
    a time and at most chunk_rows rows per transaction."""
    report = StageReport(resolution_s)
    with engine.connect() as conn:
        run_ids = retention_repo.runs_with_rows_before(conn, before, resolution_s)
    for run_id in run_ids:
        while True:
            with engine.begin() as conn:
                rows = retention_repo.rows_to_roll(conn, run_id, before, resolution_s,
                                                   chunk_rows)
                merged, absorbed = merge_slots(rows, resolution_s)
                retention_repo.write_merged(conn, merged, absorbed, resolution_s)
            report.rows_read += len(rows)
            report.rows_removed += len(absorbed)
            if progress is not None and rows:
                progress(run_id, report)
            if len(rows) < chunk_rows:
                break
    return report


def run_retention(engine: sa.Engine, raw_days: float, minute_days: float, coarse_s: int,
                  now: datetime | None = None, progress=None) -> list[StageReport]:
    """The minute stage, then the coarse one (a longer age)."""
    now = now or utcnow()
    if minute_days < raw_days:
        raise ValueError("the coarse roll-up age must be at least the minute roll-up age")
    if coarse_s <= 60 or coarse_s % 60:
        raise ValueError("the coarse slot must be a whole number of minutes above one")
    return [roll_up(engine, now - timedelta(days=raw_days), 60, progress=progress),
            roll_up(engine, now - timedelta(days=minute_days), coarse_s, progress=progress)]


def init_app(app) -> None:
    import click
    from flask import current_app

    from ..db import get_engine

    @app.cli.command("rollup")
    @click.option("--raw-days", type=float, default=None,
                  help="Roll raw samples older than this into minutes (RETENTION_RAW_DAYS).")
    @click.option("--minute-days", type=float, default=None,
                  help="Roll rows older than this into coarse slots (RETENTION_MINUTE_DAYS).")
    def rollup_command(raw_days: float | None, minute_days: float | None) -> None:
        """Roll old count samples up (retention); totals stay the same."""
        config = current_app.config
        raw = config["RETENTION_RAW_DAYS"] if raw_days is None else raw_days
        minute = config["RETENTION_MINUTE_DAYS"] if minute_days is None else minute_days

        def progress(run_id: int, report: StageReport) -> None:
            click.echo(f"  run {run_id}: {report.rows_read} rows read, "
                       f"{report.rows_removed} merged away ({report.resolution_s} s slots)")

        try:
            reports = run_retention(get_engine(), float(raw), float(minute),
                                    int(config["RETENTION_COARSE_SECONDS"]), progress=progress)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        for report in reports:
            click.echo(f"{report.resolution_s} s slots: {report.rows_read} rows read, "
                       f"{report.rows_removed} merged away.")
