"""SQL of the retention roll-up: eligible sample rows of a run (locked on MySQL), merged rows
written back, the rows they absorbed deleted."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..schema import count_samples

_COLUMNS = [count_samples.c.id, count_samples.c.zone_key, count_samples.c.zone_id,
            count_samples.c.ts, count_samples.c.occupancy, count_samples.c.entries,
            count_samples.c.exits, count_samples.c.sample_count, count_samples.c.occupancy_sum,
            count_samples.c.occupancy_max]


def runs_with_rows_before(conn: sa.Connection, before: datetime, resolution_s: int) -> list[int]:
    s = count_samples
    return list(conn.execute(sa.select(s.c.run_id).distinct()
                             .where(s.c.ts < before, s.c.resolution_s < resolution_s)
                             .order_by(s.c.run_id)).scalars())


def rows_to_roll(conn: sa.Connection, run_id: int, before: datetime, resolution_s: int,
                 limit: int) -> list[dict]:
    """Up to `limit` rows of the run older than `before` and finer than the resolution, in
    (ts, id) order; locked until the transaction ends on MySQL (a second roll-up waits)."""
    s = count_samples
    query = (sa.select(*_COLUMNS)
             .where(s.c.run_id == run_id, s.c.ts < before, s.c.resolution_s < resolution_s)
             .order_by(s.c.ts, s.c.id).limit(limit))
    if conn.dialect.name == "mysql":
        query = query.with_for_update()
    return [dict(r) for r in conn.execute(query).mappings()]


def write_merged(conn: sa.Connection, merged: list[dict], absorbed_ids: list[int],
                 resolution_s: int) -> None:
    """merged: {id, zone_id, occupancy, entries, exits, sample_count, occupancy_sum,
    occupancy_max} for the row kept per slot; absorbed_ids: the rows merged into them."""
    s = count_samples
    if merged:
        conn.execute(
            sa.update(s).where(s.c.id == sa.bindparam("kept_id")).values(
                zone_id=sa.bindparam("zone_id"), occupancy=sa.bindparam("occupancy"),
                entries=sa.bindparam("entries"), exits=sa.bindparam("exits"),
                sample_count=sa.bindparam("sample_count"),
                occupancy_sum=sa.bindparam("occupancy_sum"),
                occupancy_max=sa.bindparam("occupancy_max"), resolution_s=resolution_s),
            [{**{k: v for k, v in row.items() if k != "id"}, "kept_id": row["id"]}
             for row in merged])
    for start in range(0, len(absorbed_ids), 1000):
        conn.execute(sa.delete(s).where(s.c.id.in_(absorbed_ids[start:start + 1000])))
