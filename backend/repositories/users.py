"""Users and profiles."""
from __future__ import annotations

import sqlalchemy as sa

from ..schema import profiles, users, utcnow

_PUBLIC = [users.c.id, users.c.username, users.c.email, users.c.timezone, users.c.created_at]


def get_by_id(conn: sa.Connection, user_id: int) -> dict | None:
    row = conn.execute(sa.select(*_PUBLIC).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None
