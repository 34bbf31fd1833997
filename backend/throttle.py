"""Login throttling: after too many failed log-ins for one account, or from one address,
within a time window, further attempts are refused without checking the password.

Attempts are rows in `login_attempts`. A refused (throttled) attempt is not recorded, so
waiting is enough to get back in; a successful log-in clears the account's failures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

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


def record_attempt(conn: sa.Connection, account_key: str, ip: str, succeeded: bool,
                   now: datetime | None = None) -> None:
    now = now or utcnow()
    attempt_repo.record(conn, account_key, ip, succeeded, now)
    attempt_repo.delete_older_than(conn, now - max(KEEP_ATTEMPTS, _window_from_config()))


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
