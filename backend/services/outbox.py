"""Sends the webhook outbox: any number of app instances each run one sender thread; a
delivery is claimed by exactly one of them at a time (repositories/outbox.py), sent with
its Idempotency-Key, and retried with a doubling back-off until WEBHOOK_RETRIES run out.

A sender starts in a process when that process writes deliveries (notify) or, on a request
(its first, then at most every 30 s), when deliveries are pending (e.g. left by an instance
that crashed); it stops after a while with nothing pending. `flask --app backend send-webhooks` runs one in the
foreground (a dedicated sender, or a cron job that drains the outbox)."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..repositories import outbox as outbox_repo
from ..schema import utcnow
from .webhooks import RetryPolicy, headers_for, send_one

log = logging.getLogger(__name__)
SENDER_KEY = "people_counter_outbox"


@dataclass(frozen=True)
class SenderSettings:
    policy: RetryPolicy
    poll_seconds: float = 2.0
    idle_exit_seconds: float = 120.0

    @classmethod
    def from_config(cls, config) -> "SenderSettings":
        return cls(RetryPolicy(attempts=1 + int(config["WEBHOOK_RETRIES"]),
                               timeout_seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
                               backoff_seconds=float(config["WEBHOOK_BACKOFF_SECONDS"]),
                               allow_private=bool(config["WEBHOOK_ALLOW_PRIVATE"])),
                   poll_seconds=float(config["WEBHOOK_POLL_SECONDS"]),
                   idle_exit_seconds=float(config["WEBHOOK_IDLE_EXIT_SECONDS"]))


def retry_delay(policy: RetryPolicy, attempts_made: int) -> timedelta:
    """Back-off before attempt attempts_made + 1: backoff, 2 x backoff, 4 x backoff..."""
    return timedelta(seconds=policy.backoff_seconds * 2 ** max(0, attempts_made - 1))


def send_row(row: dict, policy: RetryPolicy) -> tuple[str, str | None, datetime | None]:
    """One attempt: (result, final status or None to retry, retry time)."""
    body = row["body"].encode()
    result, retry = send_one(row["url"], body,
                             headers_for(row["event"], row["secret"], body,
                                         row["idempotency_key"]),
                             policy.timeout_seconds, policy.allow_private)
    if result == "delivered":
        return result, outbox_repo.DELIVERED, None
    attempts_made = row["attempts"] + 1
    if not retry or attempts_made >= max(1, policy.attempts):
        return result, outbox_repo.FAILED, None
    return result, None, utcnow() + retry_delay(policy, attempts_made)


def send_due(engine: sa.Engine, policy: RetryPolicy) -> int:
    """Sends every delivery that is due now, head of each zone first; returns how many
    attempts were made (0: nothing to do)."""
    made = 0
    while True:
        with engine.connect() as conn:
            heads = outbox_repo.due_heads(conn, utcnow())
        progressed = False
        for outbox_id in heads:
            if _attempt(engine, outbox_id, policy):
                made += 1
                progressed = True
        if not progressed:
            return made


def _attempt(engine: sa.Engine, outbox_id: int, policy: RetryPolicy) -> bool:
    if engine.dialect.name == "mysql":
        # The row lock is the claim: held for the one HTTP attempt, released by a crash.
        with engine.begin() as conn:
            row = outbox_repo.claim(conn, outbox_id)
            if row is None:
                return False
            result, final, retry_at = send_row(row, policy)
            outbox_repo.record_attempt(conn, row, result, final, retry_at)
        return True
    # SQLite (one process, one sender): no transaction held open over the network.
    with engine.begin() as conn:
        row = outbox_repo.claim(conn, outbox_id)
    if row is None:
        return False
    result, final, retry_at = send_row(row, policy)
    with engine.begin() as conn:
        outbox_repo.record_attempt(conn, row, result, final, retry_at)
    return True


class OutboxSender:
    """One background thread per process, woken by notify() and by a poll."""

    def __init__(self, engine: sa.Engine, config) -> None:
        self._engine = engine
        self._config = config   # read at each round: settings may change at run time (tests)
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._checked_at: float | None = None

    def check_now_and_then(self, every_seconds: float = 30.0) -> None:
        """On a request, at most every 30 s: deliveries left pending by an instance that
        crashed (or any other) are picked up by whichever instance still gets requests."""
        now = time.monotonic()
        if self._checked_at is not None and now - self._checked_at < every_seconds:
            return
        self._checked_at = now
        if self._thread is None:
            self.start_if_pending()

    def notify(self) -> None:
        with self._lock:
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="webhook-outbox",
                                                daemon=True)
                self._thread.start()

    def start_if_pending(self) -> None:
        try:
            with self._engine.connect() as conn:
                pending = outbox_repo.pending_count(conn)
        except sa.exc.SQLAlchemyError:
            log.exception("Could not read the webhook outbox")
            return
        if pending:
            self.notify()

    def _work(self) -> None:
        idle_since = time.monotonic()
        while True:
            self._wake.clear()
            settings = SenderSettings.from_config(self._config)
            try:
                made = send_due(self._engine, settings.policy)
                with self._engine.connect() as conn:
                    pending = outbox_repo.pending_count(conn)
            except Exception:  # noqa: BLE001 - a webhook must never take the server down
                log.exception("Webhook outbox sender failed; it starts again on the next alert")
                with self._lock:
                    self._thread = None
                return
            if made or pending:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > settings.idle_exit_seconds:
                with self._lock:
                    if not self._wake.is_set():
                        self._thread = None
                        return
            self._wake.wait(settings.poll_seconds)



def init_app(app) -> None:
    """The process's sender (started lazily) and `flask send-webhooks`."""
    import click
    from flask import current_app

    from ..db import get_engine, get_engine_of

    app.extensions[SENDER_KEY] = OutboxSender(get_engine_of(app), app.config)

    @app.before_request
    def _pick_up_pending():
        app.extensions[SENDER_KEY].check_now_and_then()

    @app.cli.command("send-webhooks")
    @click.option("--once", is_flag=True, help="Send what is due now, then exit.")
    def send_webhooks_command(once: bool) -> None:
        """Send the webhook outbox in the foreground (a dedicated sender)."""
        settings = SenderSettings.from_config(current_app.config)
        while True:
            made = send_due(get_engine(), settings.policy)
            if once:
                click.echo(f"{made} webhook attempt(s) made.")
                return
            time.sleep(settings.poll_seconds)


def notify(app) -> None:
    """Wake (or start) this process's sender after deliveries were committed."""
    app.extensions[SENDER_KEY].notify()
