"""Login attempts, kept for throttling: who tried (the account's username, or what was
typed when no account matched), from which address, when, and whether it worked."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..schema import login_attempts


def record(conn: sa.Connection, username: str, ip: str, succeeded: bool,
           attempted_at: datetime) -> int:
    """Stores one attempt; returns its id."""
    result = conn.execute(sa.insert(login_attempts).values(
        username=username[:254], ip=ip[:45], succeeded=succeeded, attempted_at=attempted_at))
    return result.inserted_primary_key[0]


def mark_succeeded(conn: sa.Connection, attempt_id: int) -> None:
    conn.execute(sa.update(login_attempts).where(login_attempts.c.id == attempt_id)
                 .values(succeeded=True))


def delete(conn: sa.Connection, attempt_id: int) -> None:
    conn.execute(sa.delete(login_attempts).where(login_attempts.c.id == attempt_id))


def failures_for_username(conn: sa.Connection, username: str, since: datetime,
                          limit: int) -> list[datetime]:
    """Times of the failed attempts on this username after `since` and after its latest
    successful login, newest first (at most `limit`)."""
    last_success = conn.execute(
        sa.select(sa.func.max(login_attempts.c.attempted_at))
        .where(login_attempts.c.username == username, login_attempts.c.succeeded.is_(True),
               login_attempts.c.attempted_at > since)
    ).scalar()
    lower_bound = max(since, last_success) if last_success is not None else since
    return _failure_times(conn, login_attempts.c.username == username, lower_bound, limit)


def failures_for_ip(conn: sa.Connection, ip: str, since: datetime,
                    limit: int) -> list[datetime]:
    """Times of the failed attempts from this address after `since`, newest first."""
    return _failure_times(conn, login_attempts.c.ip == ip, since, limit)


def delete_older_than(conn: sa.Connection, before: datetime) -> int:
    return conn.execute(sa.delete(login_attempts)
                        .where(login_attempts.c.attempted_at < before)).rowcount


def _failure_times(conn: sa.Connection, condition, since: datetime,
                   limit: int) -> list[datetime]:
    rows = conn.execute(
        sa.select(login_attempts.c.attempted_at)
        .where(condition, login_attempts.c.succeeded.is_(False),
               login_attempts.c.attempted_at > since)
        .order_by(login_attempts.c.attempted_at.desc())
        .limit(limit)
    ).scalars()
    return list(rows)
