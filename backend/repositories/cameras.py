"""IP cameras, their outages and counting-station tokens (all SQL of issue 16).

`url` is read by two functions only: url_of (for the relay) and nothing that builds an API
answer selects it (_PUBLIC has no url column)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..protocol import ip_camera_key, saved_zone_key
from ..schema import camera_outages, cameras, station_tokens, users, utcnow
from . import outbox as outbox_repo
from . import zones as zone_repo

_PUBLIC = [cameras.c.id, cameras.c.name, cameras.c.kind, cameras.c.always_on,
           cameras.c.created_at, cameras.c.updated_at]
MAX_CAMERAS_PER_USER = 100


def create(conn: sa.Connection, user_id: int, *, name: str, kind: str, url: str,
           always_on: bool) -> int:
    now = utcnow()
    result = conn.execute(sa.insert(cameras).values(
        user_id=user_id, name=name, kind=kind, url=url, always_on=always_on,
        created_at=now, updated_at=now))
    return result.inserted_primary_key[0]


def count_for(conn: sa.Connection, user_id: int) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(cameras)
                        .where(cameras.c.user_id == user_id)).scalar_one()


def get(conn: sa.Connection, user_id: int, camera_id: int) -> dict | None:
    row = conn.execute(sa.select(*_PUBLIC, cameras.c.url).where(
        cameras.c.id == camera_id, cameras.c.user_id == user_id)).mappings().first()
    if row is None:
        return None
    camera = dict(row)
    camera["scheme"] = camera.pop("url").split(":", 1)[0].lower()
    return camera


def list_for(conn: sa.Connection, user_id: int) -> list[dict]:
    rows = conn.execute(sa.select(*_PUBLIC, cameras.c.url).where(cameras.c.user_id == user_id)
                        .order_by(cameras.c.name, cameras.c.id)).mappings().all()
    result = []
    for row in rows:
        camera = dict(row)
        camera["scheme"] = camera.pop("url").split(":", 1)[0].lower()
        result.append(camera)
    return result


def names_of(conn: sa.Connection, user_id: int) -> dict[int, str]:
    """id -> name of each of the user's IP cameras."""
    return dict(conn.execute(sa.select(cameras.c.id, cameras.c.name)
                             .where(cameras.c.user_id == user_id)).all())


def url_of(conn: sa.Connection, user_id: int, camera_id: int) -> str | None:
    """The camera's URL, for the relay only (never for an answer)."""
    return conn.execute(sa.select(cameras.c.url).where(
        cameras.c.id == camera_id, cameras.c.user_id == user_id)).scalar_one_or_none()


def update(conn: sa.Connection, user_id: int, camera_id: int, values: dict) -> bool:
    allowed = {k: v for k, v in values.items() if k in ("name", "kind", "url", "always_on")}
    result = conn.execute(sa.update(cameras).where(
        cameras.c.id == camera_id, cameras.c.user_id == user_id).values(
        updated_at=utcnow(), **allowed))
    return result.rowcount > 0


def delete(conn: sa.Connection, user_id: int, camera_id: int) -> list[str] | None:
    """Deletes the camera and its zones (saved under its camera key), as a video's go with
    the video: the runs that counted them keep their names, and their webhooks' deliveries
    still waiting are not sent. Runs, counts, alerts and outages of the camera stay (runs
    keep the key). Returns the names of the zones deleted, or None: no such camera."""
    if conn.execute(sa.select(cameras.c.id).where(
            cameras.c.id == camera_id, cameras.c.user_id == user_id)).first() is None:
        return None
    camera_zones = zone_repo.list_for(conn, user_id, camera_key=ip_camera_key(camera_id))
    zone_ids = {zone["id"] for zone in camera_zones}
    zone_repo.keep_names_in_runs(conn, user_id, zone_ids)
    for zone_id in sorted(zone_ids):
        outbox_repo.cancel_pending(conn, user_id, saved_zone_key(zone_id))
    zone_repo.delete_many(conn, user_id, zone_ids)
    conn.execute(sa.delete(cameras).where(cameras.c.id == camera_id,
                                          cameras.c.user_id == user_id))
    return [zone["name"] for zone in camera_zones]


def always_on(conn: sa.Connection) -> list[dict]:
    """Every user's always-on cameras (the station's work list), without URLs."""
    rows = conn.execute(sa.select(cameras.c.id, cameras.c.user_id, cameras.c.name,
                                  users.c.username)
                        .join(users, users.c.id == cameras.c.user_id)
                        .where(cameras.c.always_on.is_(True))
                        .order_by(cameras.c.id)).mappings().all()
    return [dict(r) for r in rows]


# ----- outages -----
def outage_started(conn: sa.Connection, camera_id: int, reason: str,
                   at: datetime | None = None) -> None:
    """Opens an outage unless one is open already (several processes may notice)."""
    open_one = conn.execute(sa.select(camera_outages.c.id).where(
        camera_outages.c.camera_id == camera_id, camera_outages.c.ended_at.is_(None))).first()
    if open_one is None and conn.execute(sa.select(cameras.c.id).where(
            cameras.c.id == camera_id)).first() is not None:
        conn.execute(sa.insert(camera_outages).values(
            camera_id=camera_id, started_at=at or utcnow(), reason=reason[:32]))


def outage_ended(conn: sa.Connection, camera_id: int, at: datetime | None = None) -> None:
    conn.execute(sa.update(camera_outages).where(
        camera_outages.c.camera_id == camera_id, camera_outages.c.ended_at.is_(None)).values(
        ended_at=at or utcnow()))


def outages(conn: sa.Connection, camera_id: int, limit: int = 100) -> list[dict]:
    rows = conn.execute(sa.select(camera_outages.c.started_at, camera_outages.c.ended_at,
                                  camera_outages.c.reason)
                        .where(camera_outages.c.camera_id == camera_id)
                        .order_by(camera_outages.c.started_at.desc(), camera_outages.c.id.desc())
                        .limit(limit)).mappings().all()
    return [dict(r) for r in rows]


# ----- station tokens -----
def create_station_token(conn: sa.Connection, user_id: int, name: str, token_hash: str) -> int:
    result = conn.execute(sa.insert(station_tokens).values(
        user_id=user_id, name=name[:80], token_hash=token_hash, created_at=utcnow()))
    return result.inserted_primary_key[0]


def user_for_station_token(conn: sa.Connection, token_hash: str) -> dict | None:
    row = conn.execute(
        sa.select(users.c.id, users.c.username, users.c.email, users.c.timezone,
                  users.c.created_at)
        .join(station_tokens, station_tokens.c.user_id == users.c.id)
        .where(station_tokens.c.token_hash == token_hash,
               station_tokens.c.revoked_at.is_(None))).mappings().first()
    return dict(row) if row else None


def revoke_station_token(conn: sa.Connection, token_hash: str) -> None:
    conn.execute(sa.update(station_tokens).where(
        station_tokens.c.token_hash == token_hash, station_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow()))
