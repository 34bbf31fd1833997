"""Demographic aggregates (opt-in): counts per run, line/zone key, minute, kind, gender and
age band. Adding to a cell is one upsert on both dialects; nothing per person is stored."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, sqlite

from ..schema import demographic_counts

CELL = ("zone_key", "minute", "kind", "gender", "age_band")


def add(conn: sa.Connection, run_id: int, changes: dict[tuple, int]) -> None:
    """Adds each change to its cell ((zone_key, minute, kind, gender, age_band) -> n)."""
    rows = [{"run_id": run_id, **dict(zip(CELL, cell)), "count": change}
            for cell, change in changes.items() if change]
    if not rows:
        return
    table = demographic_counts
    if conn.dialect.name == "mysql":
        statement = mysql.insert(table)
        statement = statement.on_duplicate_key_update(
            count=table.c.count + statement.inserted["count"])
    else:
        statement = sqlite.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=["run_id", *CELL],
            set_={"count": table.c.count + statement.excluded["count"]})
    conn.execute(statement, rows)


def current(conn: sa.Connection, run_id: int, cells: set[tuple]) -> dict[tuple, int]:
    """The stored count of each given cell (absent cells are left out)."""
    if not cells:
        return {}
    t = demographic_counts
    minutes = sorted({cell[1] for cell in cells})
    keys = sorted({cell[0] for cell in cells})
    rows = conn.execute(sa.select(t.c.zone_key, t.c.minute, t.c.kind, t.c.gender,
                                  t.c.age_band, t.c["count"])
                        .where(t.c.run_id == run_id, t.c.zone_key.in_(keys),
                               t.c.minute.in_(minutes))).all()
    stored = {tuple(row[:5]): row[5] for row in rows}
    return {cell: stored[cell] for cell in cells if cell in stored}


def minute_rows(conn: sa.Connection, run_ids: list[int], start: datetime | None = None,
                end: datetime | None = None) -> list[tuple]:
    """(minute, zone_key, kind, gender, age_band, count) summed over the runs, non-zero."""
    if not run_ids:
        return []
    t = demographic_counts
    where = [t.c.run_id.in_(run_ids)]
    if start is not None:
        where.append(t.c.minute >= start)
    if end is not None:
        where.append(t.c.minute < end)
    total = sa.func.sum(t.c["count"]).label("total")
    query = (sa.select(t.c.minute, t.c.zone_key, t.c.kind, t.c.gender, t.c.age_band, total)
             .where(*where)
             .group_by(t.c.minute, t.c.zone_key, t.c.kind, t.c.gender, t.c.age_band)
             .order_by(t.c.minute, t.c.zone_key, t.c.kind, t.c.gender, t.c.age_band))
    return [tuple(row) for row in conn.execute(query).all() if row[5]]


def count_for_run(conn: sa.Connection, run_id: int) -> int:
    t = demographic_counts
    return conn.execute(sa.select(sa.func.count()).select_from(t)
                        .where(t.c.run_id == run_id)).scalar_one()
