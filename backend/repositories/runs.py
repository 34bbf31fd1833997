"""Runs: one counting session of a source (a webcam, a local file or an uploaded video)."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from ..schema import runs, utcnow

RUN_COLUMNS = [runs.c.id, runs.c.client_run_id, runs.c.source_kind, runs.c.video_id,
            runs.c.camera_key, runs.c.label, runs.c.started_at, runs.c.ended_at,
            runs.c.last_seen_at]


def create(conn: sa.Connection, user_id: int, values: dict) -> int:
    """Raises IntegrityError when the user already has a run with this client_run_id."""
    now = utcnow()
    result = conn.execute(sa.insert(runs).values(
        user_id=user_id, client_run_id=values["client_run_id"],
        source_kind=values["source_kind"], video_id=values.get("video_id"),
        camera_key=values.get("camera_key"), label=values.get("label"),
        key_names=json.dumps(values["key_names"]) if values.get("key_names") else None,
        started_at=now, last_seen_at=now))
    return result.inserted_primary_key[0]


def get(conn: sa.Connection, user_id: int, run_id: int) -> dict | None:
    row = conn.execute(sa.select(*RUN_COLUMNS).where(
        runs.c.id == run_id, runs.c.user_id == user_id)).mappings().first()
    return dict(row) if row else None


def get_by_client_id(conn: sa.Connection, user_id: int, client_run_id: str) -> dict | None:
    row = conn.execute(sa.select(*RUN_COLUMNS).where(
        runs.c.user_id == user_id, runs.c.client_run_id == client_run_id)).mappings().first()
    return dict(row) if row else None


def list_page(conn: sa.Connection, user_id: int, page: int, per_page: int,
              video_id: int | None = None, camera_key: str | None = None) -> tuple[list, int]:
    where = [runs.c.user_id == user_id]
    if video_id is not None:
        where.append(runs.c.video_id == video_id)
    if camera_key is not None:
        where.append(runs.c.camera_key == camera_key)
    total = conn.execute(sa.select(sa.func.count()).select_from(runs).where(*where)).scalar_one()
    rows = conn.execute(sa.select(*RUN_COLUMNS).where(*where)
                        .order_by(runs.c.started_at.desc(), runs.c.id.desc())
                        .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return [dict(r) for r in rows], total


def ids_of_video(conn: sa.Connection, user_id: int, video_id: int) -> list[int]:
    return list(conn.execute(sa.select(runs.c.id).where(
        runs.c.user_id == user_id, runs.c.video_id == video_id)).scalars())


def update(conn: sa.Connection, run_id: int, values: dict) -> None:
    if values:
        conn.execute(sa.update(runs).where(runs.c.id == run_id).values(**values))


def touch(conn: sa.Connection, run_id: int, moment: datetime) -> None:
    """Marks the run active (only ever moves forward)."""
    conn.execute(sa.update(runs).where(
        runs.c.id == run_id,
        sa.or_(runs.c.last_seen_at.is_(None), runs.c.last_seen_at < moment))
        .values(last_seen_at=moment))


def most_recent(conn: sa.Connection, user_id: int) -> dict | None:
    """The run that received counts most recently (else the newest one)."""
    row = conn.execute(sa.select(*RUN_COLUMNS).where(runs.c.user_id == user_id)
                       .order_by(sa.func.coalesce(runs.c.last_seen_at, runs.c.started_at)
                                 .desc(), runs.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None
