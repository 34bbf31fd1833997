"""Uploaded videos (the files live in UPLOAD_DIR under their random stored_name)."""
from __future__ import annotations

import sqlalchemy as sa

from ..schema import videos, utcnow
from ..protocol import saved_zone_key
from . import outbox as outbox_repo
from . import zones as zone_repo

_COLUMNS = [videos.c.id, videos.c.original_name, videos.c.stored_name, videos.c.content_type,
            videos.c.size_bytes, videos.c.duration_s, videos.c.width, videos.c.height,
            videos.c.fps, videos.c.created_at]


def create(conn: sa.Connection, user_id: int, *, original_name: str, stored_name: str,
           content_type: str, size_bytes: int, metadata: dict) -> int:
    result = conn.execute(sa.insert(videos).values(
        user_id=user_id, original_name=original_name, stored_name=stored_name,
        content_type=content_type, size_bytes=size_bytes, created_at=utcnow(),
        duration_s=metadata.get("duration_s"), width=metadata.get("width"),
        height=metadata.get("height"), fps=metadata.get("fps")))
    return result.inserted_primary_key[0]


def get(conn: sa.Connection, user_id: int, video_id: int) -> dict | None:
    row = conn.execute(sa.select(*_COLUMNS).where(
        videos.c.id == video_id, videos.c.user_id == user_id)).mappings().first()
    return dict(row) if row else None


def exists(conn: sa.Connection, user_id: int, video_id: int) -> bool:
    return get(conn, user_id, video_id) is not None


def names_of(conn: sa.Connection, user_id: int) -> dict[int, str]:
    """id -> original file name of each of the user's videos."""
    return dict(conn.execute(sa.select(videos.c.id, videos.c.original_name)
                             .where(videos.c.user_id == user_id)).all())


def list_page(conn: sa.Connection, user_id: int, page: int, per_page: int) -> tuple[list, int]:
    total = conn.execute(sa.select(sa.func.count()).select_from(videos)
                         .where(videos.c.user_id == user_id)).scalar_one()
    rows = conn.execute(sa.select(*_COLUMNS).where(videos.c.user_id == user_id)
                        .order_by(videos.c.created_at.desc(), videos.c.id.desc())
                        .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return [dict(r) for r in rows], total


def delete(conn: sa.Connection, user_id: int, video_id: int) -> str | None:
    """Deletes the row (zones of the video go with it, and their webhooks' deliveries still
    waiting are not sent, as when a zone is deleted); returns the stored file name."""
    video = get(conn, user_id, video_id)
    if video is None:
        return None
    zone_ids = zone_repo.ids_of_video(conn, user_id, video_id)
    zone_repo.keep_names_in_runs(conn, user_id, zone_ids)
    for zone_id in sorted(zone_ids):
        outbox_repo.cancel_pending(conn, user_id, saved_zone_key(zone_id))
    conn.execute(sa.delete(videos).where(videos.c.id == video_id))
    return video["stored_name"]
