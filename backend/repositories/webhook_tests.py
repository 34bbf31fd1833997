"""Test sends of zone webhooks, kept for their per-user limit (api/webhooks.py)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..schema import webhook_tests


def record(conn: sa.Connection, user_id: int, sent_at: datetime) -> int:
    """Stores one test send; returns its id."""
    return conn.execute(sa.insert(webhook_tests).values(user_id=user_id, sent_at=sent_at)).inserted_primary_key[0]


def delete(conn: sa.Connection, test_id: int) -> None:
    conn.execute(sa.delete(webhook_tests).where(webhook_tests.c.id == test_id))


def times_since(conn: sa.Connection, user_id: int, since: datetime) -> list[datetime]:
    """The user's test sends after `since`, oldest first."""
    return list(conn.execute(
        sa.select(webhook_tests.c.sent_at)
        .where(webhook_tests.c.user_id == user_id, webhook_tests.c.sent_at > since)
        .order_by(webhook_tests.c.sent_at, webhook_tests.c.id)).scalars())


def delete_older_than(conn: sa.Connection, user_id: int, before: datetime) -> int:
    return conn.execute(sa.delete(webhook_tests).where(
        webhook_tests.c.user_id == user_id, webhook_tests.c.sent_at < before)).rowcount
