"""Users and profiles. Usernames and emails are unique regardless of letter case."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from ..schema import profiles, users, utcnow

_PUBLIC = [users.c.id, users.c.username, users.c.email, users.c.timezone, users.c.created_at,
           users.c.password_changed_at]


def get_by_id(conn: sa.Connection, user_id: int) -> dict | None:
    row = conn.execute(sa.select(*_PUBLIC).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def create(conn: sa.Connection, username: str, email: str, password_hash: str,
           timezone: str = "UTC") -> int:
    """Inserts a user and an empty profile; returns the new id."""
    now = utcnow()
    result = conn.execute(sa.insert(users).values(
        username=username, email=email, password_hash=password_hash, timezone=timezone,
        created_at=now))
    user_id = result.inserted_primary_key[0]
    conn.execute(sa.insert(profiles).values(user_id=user_id, updated_at=now))
    return user_id


def username_taken(conn: sa.Connection, username: str) -> bool:
    query = sa.select(users.c.id).where(sa.func.lower(users.c.username) == username.lower())
    return conn.execute(query).first() is not None


def email_taken(conn: sa.Connection, email: str) -> bool:
    query = sa.select(users.c.id).where(sa.func.lower(users.c.email) == email.lower())
    return conn.execute(query).first() is not None


def find_for_login(conn: sa.Connection, identifier: str) -> dict | None:
    """The user whose username or (when the identifier holds an @) email matches, ignoring
    case, with the password hash; None when there is no such user."""
    column = users.c.email if "@" in identifier else users.c.username
    row = conn.execute(
        sa.select(*_PUBLIC, users.c.password_hash)
        .where(sa.func.lower(column) == identifier.lower())
    ).mappings().first()
    return dict(row) if row else None


def get_password_hash(conn: sa.Connection, user_id: int) -> str | None:
    return conn.execute(sa.select(users.c.password_hash).where(users.c.id == user_id)).scalar()


def set_password_hash(conn: sa.Connection, user_id: int, password_hash: str,
                      changed_at: datetime) -> None:
    conn.execute(sa.update(users).where(users.c.id == user_id)
                 .values(password_hash=password_hash, password_changed_at=changed_at))


def get_profile(conn: sa.Connection, user_id: int) -> dict | None:
    """The user's public fields and profile (date_of_birth, place, gender, updated_at)."""
    row = conn.execute(
        sa.select(*_PUBLIC, profiles.c.date_of_birth, profiles.c.place, profiles.c.gender,
                  profiles.c.updated_at)
        .select_from(users.outerjoin(profiles, profiles.c.user_id == users.c.id))
        .where(users.c.id == user_id)
    ).mappings().first()
    return dict(row) if row else None


def update_profile(conn: sa.Connection, user_id: int, *, date_of_birth: date | None,
                   place: str | None, gender: str | None, timezone: str) -> None:
    """Writes every profile field (the caller merges partial updates first)."""
    now = utcnow()
    values = {"date_of_birth": date_of_birth, "place": place, "gender": gender,
              "updated_at": now}
    updated = conn.execute(sa.update(profiles).where(profiles.c.user_id == user_id)
                           .values(**values)).rowcount
    if updated == 0:  # users created before profiles existed: add the row now
        conn.execute(sa.insert(profiles).values(user_id=user_id, **values))
    conn.execute(sa.update(users).where(users.c.id == user_id).values(timezone=timezone))
