"""The webhook outbox: deliveries written with their alert, claimed one at a time.

Order: a row is due only when no older row of the same run and zone is still pending, so a
zone's alert_end never overtakes its alert_start, across retries and across instances.
Claim: on MySQL/MariaDB a `SELECT ... FOR UPDATE SKIP LOCKED` inside the sender's
transaction (held while the one HTTP attempt runs: a crashed sender's lock goes with its
connection, and the row is simply pending again); SQLite serves one process, whose single
sender thread needs no lock."""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from ..schema import alerts, fit_result, runs, utcnow, webhook_outbox

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
# The result of a delivery still waiting when its webhook was removed (never sent after that).
CANCELLED = "cancelled: webhook removed"


def add(conn: sa.Connection, *, alert_id: int, run_id: int, zone_key: str, event: str,
        url: str, secret: str, body: str, now: datetime | None = None) -> str:
    """Stores one pending delivery (in the caller's transaction); returns its idempotency
    key, which every attempt of this delivery carries."""
    now = now or utcnow()
    key = uuid.uuid4().hex
    conn.execute(sa.insert(webhook_outbox).values(
        alert_id=alert_id, run_id=run_id, zone_key=zone_key, event=event, url=url,
        secret=secret, body=body, idempotency_key=key, status=PENDING, attempts=0,
        next_attempt_at=now, created_at=now))
    return key


def due_heads(conn: sa.Connection, now: datetime, limit: int = 50) -> list[int]:
    """Ids of deliveries that may be sent now: pending, due, and first of their zone."""
    older = webhook_outbox.alias("older")
    blocked = sa.exists().where(
        older.c.run_id == webhook_outbox.c.run_id, older.c.zone_key == webhook_outbox.c.zone_key,
        older.c.status == PENDING, older.c.id < webhook_outbox.c.id)
    return list(conn.execute(
        sa.select(webhook_outbox.c.id)
        .where(webhook_outbox.c.status == PENDING, webhook_outbox.c.next_attempt_at <= now,
               ~blocked)
        .order_by(webhook_outbox.c.id).limit(limit)).scalars())


def claim(conn: sa.Connection, outbox_id: int) -> dict | None:
    """The pending row, locked for this transaction (MySQL: skipped when another sender
    holds it), or None."""
    query = sa.select(webhook_outbox).where(webhook_outbox.c.id == outbox_id,
                                            webhook_outbox.c.status == PENDING)
    if conn.dialect.name == "mysql":
        query = query.with_for_update(skip_locked=True)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def record_attempt(conn: sa.Connection, row: dict, result: str, final_status: str | None,
                   retry_at: datetime | None, now: datetime | None = None) -> None:
    """One attempt's outcome; the alert shows the final status (or "pending")."""
    now = now or utcnow()
    values = {"attempts": row["attempts"] + 1, "last_result": fit_result(result)}
    if final_status is not None:
        values.update(status=final_status, sent_at=now if final_status == DELIVERED else None)
    else:
        values.update(next_attempt_at=retry_at)
    conn.execute(sa.update(webhook_outbox).where(webhook_outbox.c.id == row["id"])
                 .values(**values))
    if final_status is not None:
        conn.execute(sa.update(alerts).where(alerts.c.id == row["alert_id"])
                     .values(webhook_status=fit_result(result)))


def pending_count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(webhook_outbox)
                        .where(webhook_outbox.c.status == PENDING)).scalar_one()


def latest_by_zone_key(conn: sa.Connection, user_id: int, zone_keys: set[str]) -> dict[str, dict]:
    """zone key -> the newest delivery of the user's runs for it (event, status, attempts,
    last_result, created_at, sent_at): what the Webhooks page shows as the last alert sent."""
    if not zone_keys:
        return {}
    newest = (sa.select(sa.func.max(webhook_outbox.c.id))
              .select_from(webhook_outbox.join(runs, runs.c.id == webhook_outbox.c.run_id))
              .where(runs.c.user_id == user_id,
                     webhook_outbox.c.zone_key.in_(sorted(zone_keys)))
              .group_by(webhook_outbox.c.zone_key))
    rows = conn.execute(sa.select(
        webhook_outbox.c.zone_key, webhook_outbox.c.event, webhook_outbox.c.status,
        webhook_outbox.c.attempts, webhook_outbox.c.last_result, webhook_outbox.c.created_at,
        webhook_outbox.c.sent_at).where(webhook_outbox.c.id.in_(newest))).mappings().all()
    return {row["zone_key"]: dict(row) for row in rows}


def cancel_pending(conn: sa.Connection, user_id: int, zone_key: str) -> int:
    """The user's deliveries for this zone that still wait (or wait for a retry) are not
    sent: failed with CANCELLED, and so are their alerts' webhook statuses. How many."""
    rows = conn.execute(
        sa.select(webhook_outbox.c.id, webhook_outbox.c.alert_id)
        .select_from(webhook_outbox.join(runs, runs.c.id == webhook_outbox.c.run_id))
        .where(runs.c.user_id == user_id, webhook_outbox.c.zone_key == zone_key,
               webhook_outbox.c.status == PENDING)).all()
    if not rows:
        return 0
    conn.execute(sa.update(webhook_outbox).where(
        webhook_outbox.c.id.in_([row.id for row in rows]), webhook_outbox.c.status == PENDING)
        .values(status=FAILED, last_result=CANCELLED))
    conn.execute(sa.update(alerts).where(alerts.c.id.in_({row.alert_id for row in rows}))
                 .values(webhook_status=CANCELLED))
    return len(rows)
