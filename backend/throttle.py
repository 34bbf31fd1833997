"""Login throttling: after too many failed log-ins for one account, or from one address,
within a time window, further attempts are refused without checking the password.

Attempts are rows in `login_attempts`, stored before the password is checked (begin_attempt)
so concurrent attempts count each other. A refused (throttled) attempt is removed again, so
waiting is enough to get back in; a successful log-in clears the account's failures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .db import transaction
from .repositories import login_attempts as attempt_repo
from .schema import utcnow

# Attempts older than this are deleted when new ones are recorded.
KEEP_ATTEMPTS = timedelta(days=2)
# Failures from one address may be this many times the per-account limit (a shared office
# address should not lock everyone out after one person's typos).
IP_LIMIT_FACTOR = 4


@dataclass(frozen=True)
class Limits:
    max_failures: int
    max_failures_per_ip: int
    window: timedelta

    @classmethod
    def from_config(cls) -> "Limits":
        config = current_app.config
        max_failures = int(config["LOGIN_MAX_FAILURES"])
        per_ip = int(config.get("LOGIN_MAX_FAILURES_PER_IP") or max_failures * IP_LIMIT_FACTOR)
        return cls(max_failures, per_ip, timedelta(seconds=int(config["LOGIN_WINDOW_SECONDS"])))


def retry_at(failures_newest_first: list[datetime], limit: int,
             window: timedelta) -> datetime | None:
    """When the next attempt is allowed again, or None when it is allowed now: the lock
    lifts once the `limit`-th most recent failure leaves the window."""
    if limit <= 0 or len(failures_newest_first) < limit:
        return None
    return failures_newest_first[limit - 1] + window


def locked_until(conn: sa.Connection, account_key: str, ip: str, limits: Limits,
                 now: datetime | None = None) -> datetime | None:
    """The time until which log-ins for this account key or from this address are refused
    (the later of the two), or None."""
    now = now or utcnow()
    since = now - limits.window
    by_account = retry_at(
        attempt_repo.failures_for_username(conn, account_key, since, limits.max_failures),
        limits.max_failures, limits.window)
    by_ip = retry_at(
        attempt_repo.failures_for_ip(conn, ip, since, limits.max_failures_per_ip),
        limits.max_failures_per_ip, limits.window)
    candidates = [moment for moment in (by_account, by_ip) if moment is not None and moment > now]
    return max(candidates) if candidates else None


def begin_attempt(account_key: str, ip: str, limits: Limits,
                  now: datetime | None = None) -> tuple[int | None, datetime | None]:
    """Counts an attempt BEFORE its password is checked, so concurrent attempts cannot all
    pass the check: the attempt is stored as a failure and committed at once, then the
    failures are counted, this one included. Every attempt sees all attempts committed
    before it, so at most `max_failures` of any number of concurrent attempts get through.

    Returns (attempt id, None) when the password may be checked (then call finish_attempt),
    or (None, locked until) when it is refused; a refused attempt's row is removed again,
    so waiting is enough to get back in."""
    now = now or utcnow()
    with transaction() as conn:
        attempt_id = attempt_repo.record(conn, account_key, ip, False, now)
    counting_this_one = Limits(_plus_one(limits.max_failures),
                               _plus_one(limits.max_failures_per_ip), limits.window)
    with transaction() as conn:
        locked = locked_until(conn, account_key, ip, counting_this_one, now)
        if locked is not None:
            attempt_repo.delete(conn, attempt_id)
            return None, locked
    return attempt_id, None


def _plus_one(limit: int) -> int:
    return limit + 1 if limit > 0 else limit  # 0: no limit


def finish_attempt(attempt_id: int, succeeded: bool, now: datetime | None = None) -> None:
    """Marks a counted attempt as successful (which clears the account's failures), and
    deletes attempts too old to matter."""
    now = now or utcnow()
    if succeeded:
        with transaction() as conn:
            attempt_repo.mark_succeeded(conn, attempt_id)
    # A transaction of its own: holding the row lock above while the clean-up scans the
    # table could deadlock with a concurrent clean-up on MariaDB.
    with transaction() as conn:
        attempt_repo.delete_older_than(conn, now - max(KEEP_ATTEMPTS, _window_from_config()))


def cancel_attempt(attempt_id: int) -> None:
    """Removes a counted attempt that turned out not to be a failure nor a log-in."""
    with transaction() as conn:
        attempt_repo.delete(conn, attempt_id)


def _window_from_config() -> timedelta:
    return timedelta(seconds=int(current_app.config["LOGIN_WINDOW_SECONDS"]))


def wait_message(until: datetime, now: datetime | None = None) -> tuple[str, int]:
    """A sentence telling when to retry, and the whole seconds to wait (for Retry-After)."""
    now = now or utcnow()
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    minutes = (seconds + 59) // 60
    wait = f"{seconds} seconds" if seconds < 90 else f"{minutes} minutes"
    message = (f"Too many failed log-ins for this account or from this address. "
               f"Try again in {wait} (after {until:%H:%M} UTC).")
    return message, seconds
