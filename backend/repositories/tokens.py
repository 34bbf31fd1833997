"""API tokens: only a SHA-256 of each token is stored, plus a short prefix for display."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..schema import api_tokens, users, utcnow

_LISTED = [api_tokens.c.id, api_tokens.c.name, api_tokens.c.prefix, api_tokens.c.created_at,
           api_tokens.c.expires_at, api_tokens.c.last_used_at, api_tokens.c.revoked_at]


# "Last used" is kept to the minute: writing it on every request would cost a commit per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def user_for_token(conn: sa.Connection, token_hash: str) -> dict | None:
    """The user owning an active (not revoked, not expired) token; marks it used."""
    now = utcnow()
    row = conn.execute(
        sa.select(users.c.id, users.c.username, users.c.email, users.c.timezone,
                  users.c.created_at, api_tokens.c.id.label("token_id"),
                  api_tokens.c.last_used_at)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash,
               api_tokens.c.revoked_at.is_(None),
               sa.or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now))
    ).mappings().first()
    if row is None:
        return None
    last_used = row["last_used_at"]
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        conn.execute(sa.update(api_tokens).where(api_tokens.c.id == row["token_id"])
                     .values(last_used_at=now))
    user = dict(row)
    user.pop("token_id")
    user.pop("last_used_at")
    return user


def create(conn: sa.Connection, user_id: int, name: str, token_hash: str, prefix: str,
           expires_at: datetime | None, created_at: datetime | None = None) -> int:
    result = conn.execute(sa.insert(api_tokens).values(
        user_id=user_id, name=name, token_hash=token_hash, prefix=prefix,
        created_at=created_at or utcnow(), expires_at=expires_at))
    return result.inserted_primary_key[0]


def list_for_user(conn: sa.Connection, user_id: int) -> list[dict]:
    """The user's tokens, newest first (revoked ones too, so the history stays visible)."""
    rows = conn.execute(
        sa.select(*_LISTED).where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc())
    ).mappings()
    return [dict(row) for row in rows]


def get_for_user(conn: sa.Connection, user_id: int, token_id: int) -> dict | None:
    row = conn.execute(sa.select(*_LISTED).where(
        api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)).mappings().first()
    return dict(row) if row else None


def revoke(conn: sa.Connection, user_id: int, token_id: int, revoked_at: datetime) -> bool:
    """Revokes one of the user's tokens; False when the user has no such token. Revoking
    an already revoked token keeps the first revocation time."""
    found = conn.execute(sa.select(api_tokens.c.revoked_at).where(
        api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)).first()
    if found is None:
        return False
    if found.revoked_at is None:
        conn.execute(sa.update(api_tokens).where(api_tokens.c.id == token_id)
                     .values(revoked_at=revoked_at))
    return True
