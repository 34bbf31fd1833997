"""Alerts: opened by an alert_start event, closed by alert_end; peak occupancy tracked."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..schema import alerts, fit_result, zones

_COLUMNS = [alerts.c.id, alerts.c.run_id, alerts.c.zone_id, alerts.c.zone_key,
            zones.c.name.label("zone_name"), alerts.c.started_at, alerts.c.ended_at,
            alerts.c.threshold, alerts.c.peak_occupancy, alerts.c.webhook_status]


def open_alert(conn: sa.Connection, *, user_id: int, run_id: int, zone_id: int | None,
               zone_key: str, started_at: datetime, threshold: int | None,
               occupancy: int | None) -> int:
    result = conn.execute(sa.insert(alerts).values(
        user_id=user_id, run_id=run_id, zone_id=zone_id, zone_key=zone_key,
        started_at=started_at, threshold=threshold, peak_occupancy=occupancy))
    return result.inserted_primary_key[0]


def latest_open(conn: sa.Connection, run_id: int, zone_key: str) -> dict | None:
    row = conn.execute(sa.select(alerts.c.id, alerts.c.peak_occupancy).where(
        alerts.c.run_id == run_id, alerts.c.zone_key == zone_key,
        alerts.c.ended_at.is_(None)).order_by(alerts.c.started_at.desc(), alerts.c.id.desc())
        .limit(1)).mappings().first()
    return dict(row) if row else None


def close_alert(conn: sa.Connection, alert_id: int, ended_at: datetime,
                peak_occupancy: int | None) -> None:
    conn.execute(sa.update(alerts).where(alerts.c.id == alert_id).values(
        ended_at=ended_at, peak_occupancy=peak_occupancy))


def open_zone_keys(conn: sa.Connection, run_id: int) -> set[str]:
    return set(conn.execute(sa.select(alerts.c.zone_key).where(
        alerts.c.run_id == run_id, alerts.c.ended_at.is_(None))).scalars())


def raise_peaks(conn: sa.Connection, run_id: int, peaks: dict[str, int]) -> None:
    """Open alerts of the run take the highest occupancy seen in their zone."""
    for zone_key, occupancy in peaks.items():
        conn.execute(sa.update(alerts).where(
            alerts.c.run_id == run_id, alerts.c.zone_key == zone_key,
            alerts.c.ended_at.is_(None),
            sa.or_(alerts.c.peak_occupancy.is_(None), alerts.c.peak_occupancy < occupancy))
            .values(peak_occupancy=occupancy))


def set_webhook_status(conn: sa.Connection, alert_id: int, status: str) -> None:
    conn.execute(sa.update(alerts).where(alerts.c.id == alert_id)
                 .values(webhook_status=fit_result(status)))


def get(conn: sa.Connection, alert_id: int) -> dict | None:
    row = conn.execute(sa.select(*_COLUMNS).select_from(
        alerts.outerjoin(zones, zones.c.id == alerts.c.zone_id))
        .where(alerts.c.id == alert_id)).mappings().first()
    return dict(row) if row else None


def list_page(conn: sa.Connection, user_id: int, page: int, per_page: int, *,
              run_id: int | None = None, zone_id: int | None = None,
              active: bool | None = None, since: datetime | None = None) -> tuple[list, int]:
    where = [alerts.c.user_id == user_id]
    if run_id is not None:
        where.append(alerts.c.run_id == run_id)
    if zone_id is not None:
        where.append(alerts.c.zone_id == zone_id)
    if active is True:
        where.append(alerts.c.ended_at.is_(None))
    elif active is False:
        where.append(alerts.c.ended_at.is_not(None))
    if since is not None:
        where.append(alerts.c.started_at >= since)
    total = conn.execute(sa.select(sa.func.count()).select_from(alerts)
                         .where(*where)).scalar_one()
    rows = conn.execute(sa.select(*_COLUMNS).select_from(
        alerts.outerjoin(zones, zones.c.id == alerts.c.zone_id)).where(*where)
        .order_by(alerts.c.started_at.desc(), alerts.c.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return [dict(r) for r in rows], total
