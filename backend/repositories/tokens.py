"""API tokens: only a SHA-256 of each token is stored."""
from __future__ import annotations

import sqlalchemy as sa

from ..schema import api_tokens, users, utcnow


def user_for_token(conn: sa.Connection, token_hash: str) -> dict | None:
    """The user owning an active (not revoked, not expired) token; marks it used."""
    now = utcnow()
    row = conn.execute(
        sa.select(users.c.id, users.c.username, users.c.email, users.c.timezone,
                  users.c.created_at, api_tokens.c.id.label("token_id"))
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash,
               api_tokens.c.revoked_at.is_(None),
               sa.or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now))
    ).mappings().first()
    if row is None:
        return None
    conn.execute(sa.update(api_tokens).where(api_tokens.c.id == row["token_id"])
                 .values(last_used_at=now))
    user = dict(row)
    user.pop("token_id")
    return user


def create(conn: sa.Connection, user_id: int, name: str, token_hash: str, prefix: str,
           expires_at) -> int:
    result = conn.execute(sa.insert(api_tokens).values(
        user_id=user_id, name=name, token_hash=token_hash, prefix=prefix,
        created_at=utcnow(), expires_at=expires_at))
    return result.inserted_primary_key[0]
