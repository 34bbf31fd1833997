"""Zones: polygons, directed lines and bands of a video or a camera (geometry as JSON)."""
from __future__ import annotations

import json

import sqlalchemy as sa

from ..schema import alerts, count_events, count_samples, runs, zones, utcnow

_COLUMNS = [zones.c.id, zones.c.user_id, zones.c.video_id, zones.c.camera_key, zones.c.name,
            zones.c.kind, zones.c.geometry, zones.c.color, zones.c.threshold,
            zones.c.hold_seconds, zones.c.end_hold_seconds,
            zones.c.webhook_url, zones.c.webhook_secret,
            zones.c.created_at, zones.c.updated_at]


def _decode(row) -> dict:
    zone = dict(row)
    stored = json.loads(zone.pop("geometry"))
    zone["frame_width"] = stored.pop("frame_width")
    zone["frame_height"] = stored.pop("frame_height")
    zone["geometry"] = stored["geometry"]
    return zone


def _encode(values: dict) -> dict:
    """Frame size travels inside the geometry column, next to the shape it bounds."""
    row = {k: v for k, v in values.items()
           if k not in ("geometry", "frame_width", "frame_height")}
    row["geometry"] = json.dumps({"frame_width": values["frame_width"],
                                  "frame_height": values["frame_height"],
                                  "geometry": values["geometry"]}, separators=(",", ":"))
    return row


def create(conn: sa.Connection, user_id: int, values: dict) -> int:
    now = utcnow()
    result = conn.execute(sa.insert(zones).values(
        user_id=user_id, created_at=now, updated_at=now, **_encode(values)))
    return result.inserted_primary_key[0]


def get(conn: sa.Connection, user_id: int, zone_id: int) -> dict | None:
    row = conn.execute(sa.select(*_COLUMNS).where(
        zones.c.id == zone_id, zones.c.user_id == user_id)).mappings().first()
    return _decode(row) if row else None


def list_for(conn: sa.Connection, user_id: int, video_id: int | None = None,
             camera_key: str | None = None) -> list[dict]:
    query = sa.select(*_COLUMNS).where(zones.c.user_id == user_id)
    if video_id is not None:
        query = query.where(zones.c.video_id == video_id)
    if camera_key is not None:
        query = query.where(zones.c.camera_key == camera_key)
    rows = conn.execute(query.order_by(zones.c.id)).mappings().all()
    return [_decode(r) for r in rows]


def update(conn: sa.Connection, user_id: int, zone_id: int, values: dict) -> bool:
    result = conn.execute(sa.update(zones).where(
        zones.c.id == zone_id, zones.c.user_id == user_id).values(
        updated_at=utcnow(), **_encode(values)))
    return result.rowcount > 0


def set_webhook(conn: sa.Connection, user_id: int, zone_id: int, url: str | None,
                secret: str | None) -> bool:
    """Only the zone's webhook address and signing secret change (None, None: no webhook)."""
    result = conn.execute(sa.update(zones).where(
        zones.c.id == zone_id, zones.c.user_id == user_id).values(
        webhook_url=url, webhook_secret=secret, updated_at=utcnow()))
    return result.rowcount > 0


def delete(conn: sa.Connection, user_id: int, zone_id: int) -> bool:
    keep_names_in_runs(conn, user_id, {zone_id})
    result = conn.execute(sa.delete(zones).where(
        zones.c.id == zone_id, zones.c.user_id == user_id))
    return result.rowcount > 0


def delete_many(conn: sa.Connection, user_id: int, zone_ids: set[int]) -> None:
    """Deletes these zones of the user's (callers keep their names in runs first)."""
    if zone_ids:
        conn.execute(sa.delete(zones).where(zones.c.user_id == user_id,
                                            zones.c.id.in_(sorted(zone_ids))))


def ids_of_video(conn: sa.Connection, user_id: int, video_id: int) -> set[int]:
    return set(conn.execute(sa.select(zones.c.id).where(
        zones.c.user_id == user_id, zones.c.video_id == video_id)).scalars())


def keep_names_in_runs(conn: sa.Connection, user_id: int, zone_ids: set[int]) -> None:
    """Before the user's zones are deleted: each of the user's runs that counted one keeps
    its name, kind and limit under the key it counted it by (runs.key_names), so its
    stats, CSV, charts and alerts still name it once the link to the zone is gone."""
    described = by_ids(conn, owned_ids(conn, user_id, zone_ids))
    if not described:
        return
    counted: dict[int, dict[str, int]] = {}   # run id -> {zone key: zone id}
    for table in (count_samples, count_events, alerts):
        for run_id, zone_key, zone_id in conn.execute(
                sa.select(table.c.run_id, table.c.zone_key, table.c.zone_id).distinct()
                .where(table.c.zone_id.in_(sorted(described)))).all():
            counted.setdefault(run_id, {})[zone_key] = zone_id
    if not counted:
        return
    for run_id, text in conn.execute(sa.select(runs.c.id, runs.c.key_names).where(
            runs.c.id.in_(sorted(counted)), runs.c.user_id == user_id)).all():
        names = json.loads(text) if text else {}
        for zone_key, zone_id in counted[run_id].items():
            zone = described[zone_id]
            names.setdefault(zone_key, {"name": zone["name"], "kind": zone["kind"],
                                        **({"threshold": zone["threshold"]}
                                           if zone["threshold"] is not None else {})})
        conn.execute(sa.update(runs).where(runs.c.id == run_id)
                     .values(key_names=json.dumps(names)))


def owned_ids(conn: sa.Connection, user_id: int, zone_ids: set[int]) -> set[int]:
    if not zone_ids:
        return set()
    rows = conn.execute(sa.select(zones.c.id).where(
        zones.c.user_id == user_id, zones.c.id.in_(sorted(zone_ids)))).scalars().all()
    return set(rows)


def by_ids(conn: sa.Connection, zone_ids: set[int]) -> dict[int, dict]:
    """id -> {id, name, kind, threshold, webhook_url, webhook_secret} (no ownership check:
    callers pass ids already checked)."""
    if not zone_ids:
        return {}
    rows = conn.execute(sa.select(
        zones.c.id, zones.c.name, zones.c.kind, zones.c.threshold, zones.c.webhook_url,
        zones.c.webhook_secret).where(zones.c.id.in_(sorted(zone_ids)))).mappings().all()
    return {r["id"]: dict(r) for r in rows}
