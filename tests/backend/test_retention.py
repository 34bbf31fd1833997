"""Retention: `flask rollup` merges old samples into minute rows, then hour rows, and every
total the dashboard and the CSV show for those periods stays the same (both databases)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from backend.db import get_engine
from backend.schema import count_samples
from backend.services.retention import merge_slots
from tests.backend.conftest import sample

START = datetime(2025, 6, 1, 21, 50, 7, tzinfo=timezone.utc)   # a day boundary in Berlin


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _post_samples(alice, run_id: int, seed: int, count: int, step_s: float) -> None:
    rng = random.Random(seed)
    rows, occupancy = [], {"zone-a": 0, "zone-b": 0}
    for index in range(count):
        key = rng.choice(sorted(occupancy))
        entries, exits = rng.randint(0, 3), rng.randint(0, 2)
        occupancy[key] = max(0, occupancy[key] + entries - exits)
        rows.append(sample(_iso(START + timedelta(seconds=index * step_s)), key,
                           occupancy=occupancy[key], entries=entries, exits=exits))
    for start in range(0, len(rows), 500):
        assert alice.post_batch(run_id, rows[start:start + 500]).status_code == 201


def _views(alice, run_id: int, buckets: list[str]) -> dict:
    """Everything the dashboard and the CSV show: stats (totals, zones, buckets) in UTC and
    in Berlin, and the bucket CSV."""
    seen = {}
    for tz in ("UTC", "Europe/Berlin"):
        for bucket in buckets:
            stats = alice.get(f"/api/runs/{run_id}/stats?bucket={bucket}&tz={tz}")
            assert stats.status_code == 200
            seen[("stats", tz, bucket)] = stats.get_json()
            csv = alice.get(f"/api/runs/{run_id}/export.csv?bucket={bucket}&tz={tz}")
            assert csv.status_code == 200
            seen[("csv", tz, bucket)] = csv.get_data(as_text=True)
    return seen


def _sample_rows(app, run_id: int) -> int:
    with app.app_context(), get_engine().connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(count_samples)
                            .where(count_samples.c.run_id == run_id)).scalar_one()


def test_rollup_keeps_every_total_of_the_dashboard_and_csv(app, alice, runner):
    run = alice.create_run()
    _post_samples(alice, run["id"], seed=17, count=1500, step_s=9.7)   # ~4 h of samples
    before = _views(alice, run["id"], ["1m", "15m", "1h", "1d"])
    raw_rows = _sample_rows(app, run["id"])

    minute = runner.invoke(args=["rollup", "--raw-days", "1", "--minute-days", "100000"])
    assert minute.exit_code == 0, minute.output
    assert "60 s slots" in minute.output
    minute_rows = _sample_rows(app, run["id"])
    assert minute_rows < raw_rows / 2
    assert _views(alice, run["id"], ["1m", "15m", "1h", "1d"]) == before

    # A late batch for an old, already rolled-up minute adds to it; rolling again merges it.
    late = [sample(_iso(START + timedelta(seconds=30)), "zone-a", occupancy=1, entries=5)]
    assert alice.post_batch(run["id"], late).status_code == 201
    with_late = _views(alice, run["id"], ["1m", "1h", "1d"])
    assert with_late[("stats", "UTC", "1h")]["totals"]["zone_entered"] == \
        before[("stats", "UTC", "1h")]["totals"]["zone_entered"] + 5
    again = runner.invoke(args=["rollup", "--raw-days", "1", "--minute-days", "100000"])
    assert again.exit_code == 0, again.output
    assert _views(alice, run["id"], ["1m", "1h", "1d"]) == with_late

    hour = runner.invoke(args=["rollup", "--raw-days", "1", "--minute-days", "1"])
    assert hour.exit_code == 0, hour.output
    assert _sample_rows(app, run["id"]) <= 2 * 6   # two zones, at most 6 hours touched
    # Hour rows: hour and day buckets (Berlin is a whole-hour offset), totals and zones.
    assert _views(alice, run["id"], ["1h", "1d"]) == {
        key: value for key, value in with_late.items() if key[2] in ("1h", "1d")}


def test_rollup_refuses_a_coarse_age_below_the_minute_age(runner):
    result = runner.invoke(args=["rollup", "--raw-days", "10", "--minute-days", "5"])
    assert result.exit_code != 0 and "at least" in result.output


def test_merge_slots_keeps_the_latest_sample_and_the_sums():
    at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    rows = [{"id": i, "zone_key": "z", "zone_id": None if i == 1 else 4,
             "ts": at + timedelta(seconds=s), "occupancy": occ, "entries": en, "exits": ex,
             "sample_count": 1, "occupancy_sum": None, "occupancy_max": None}
            for i, (s, occ, en, ex) in enumerate([(1, 3, 3, 0), (20, 7, 4, 0), (59, 2, 0, 5),
                                                  (61, 1, 0, 1)], start=1)]
    merged, absorbed = merge_slots(rows, 60)
    assert absorbed == [1, 2]
    assert merged == [
        {"id": 3, "zone_id": 4, "occupancy": 2, "entries": 7, "exits": 5, "sample_count": 3,
         "occupancy_sum": 12, "occupancy_max": 7},
        {"id": 4, "zone_id": 4, "occupancy": 1, "entries": 0, "exits": 1, "sample_count": 1,
         "occupancy_sum": 1, "occupancy_max": 1}]


def test_an_older_database_gets_the_rollup_columns(app):
    """init-db on a database made before retention existed adds the new columns."""
    from backend.db import add_missing_columns

    with app.app_context():
        engine = get_engine()
        with engine.begin() as conn:
            for column in ("sample_count", "occupancy_sum", "occupancy_max", "resolution_s"):
                conn.execute(sa.text(f"ALTER TABLE count_samples DROP COLUMN {column}"))
        assert add_missing_columns(engine) == [
            "count_samples.sample_count", "count_samples.occupancy_sum",
            "count_samples.occupancy_max", "count_samples.resolution_s"]
        assert add_missing_columns(engine) == []
