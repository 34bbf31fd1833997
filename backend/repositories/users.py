"""Users and profiles."""
from __future__ import annotations

import sqlalchemy as sa

from ..schema import profiles, users, utcnow

_PUBLIC = [users.c.id, users.c.username, users.c.email, users.c.timezone, users.c.created_at]


def get_by_id(conn: sa.Connection, user_id: int) -> dict | None:
    row = conn.execute(sa.select(*_PUBLIC).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def create(conn: sa.Connection, username: str, email: str, password_hash: str) -> int:
    """Inserts a user and an empty profile; returns the new id."""
    now = utcnow()
    result = conn.execute(sa.insert(users).values(
        username=username, email=email, password_hash=password_hash, created_at=now))
    user_id = result.inserted_primary_key[0]
    conn.execute(sa.insert(profiles).values(user_id=user_id, updated_at=now))
    return user_id
