"""Alert webhooks: a JSON POST signed with HMAC-SHA256 (header X-PeopleCounter-Signature:
sha256=<hex of HMAC(secret, body)>), sent in order from one background thread per app, with retries."""
from __future__ import annotations

import hashlib
import http.client
import hmac
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable

from . import webhook_targets

SIGNATURE_HEADER = "X-PeopleCounter-Signature"
EVENT_HEADER = "X-PeopleCounter-Event"
DISPATCHER_KEY = "people_counter_webhooks"
log = logging.getLogger(__name__)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    url: str
    secret: str
    event: str          # alert_start | alert_end
    payload: dict
    alert_id: int


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    timeout_seconds: float = 5.0
    backoff_seconds: float = 1.0     # doubled after each failed attempt
    allow_private: bool = False      # WEBHOOK_ALLOW_PRIVATE: LAN and loopback receivers


def send_one(delivery: Delivery, body: bytes, headers: dict, timeout: float,
             allow_private: bool = False) -> tuple[str, bool]:
    """Vets the target (resolved now) and posts once: (status, worth retrying). Status is
    "delivered", "failed: HTTP 500", "failed: redirect (HTTP 302) not followed",
    "failed: refused target: <why>" or "failed: <error>"."""
    try:
        vetted = webhook_targets.vet(delivery.url, allow_private)
    except webhook_targets.TargetRefused as exc:
        return f"failed: refused target: {exc}", False
    try:
        code = webhook_targets.post(vetted, body, headers, timeout)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return f"failed: {type(exc).__name__}", True
    if 200 <= code < 300:
        return "delivered", False
    if 300 <= code < 400:
        return f"failed: redirect (HTTP {code}) not followed", False
    return f"failed: HTTP {code}", True


def deliver(delivery: Delivery, policy: RetryPolicy,
            sleep: Callable[[float], None] = time.sleep) -> str:
    """Posts until a 2xx answer or the attempts run out (a refused target or a redirect is
    not retried); returns the last status of send_one."""
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "people-counter-webhook/1",
               EVENT_HEADER: delivery.event, SIGNATURE_HEADER: sign(delivery.secret, body)}
    status = "failed: not attempted"
    for attempt in range(max(1, policy.attempts)):
        if attempt:
            sleep(policy.backoff_seconds * 2 ** (attempt - 1))
        status, retry = send_one(delivery, body, headers, policy.timeout_seconds,
                                 policy.allow_private)
        if status == "delivered":
            return status
        log.warning("Webhook %s attempt %d: %s", delivery.url, attempt + 1, status)
        if not retry:
            break
    return status


class WebhookDispatcher:
    """Delivers in the order deliveries were submitted, from one background thread per app:
    a zone's alert_end never overtakes its alert_start, even when they arrive in different
    batches. A receiver that keeps failing delays the ones behind it by its retries."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, deliveries: list[Delivery], policy: RetryPolicy,
               record_status: Callable[[int, str], None]) -> None:
        if not deliveries:
            return
        self._queue.put((list(deliveries), policy, record_status))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="webhooks", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            deliveries, policy, record_status = self._queue.get()
            for delivery in deliveries:
                _deliver_and_record(delivery, policy, record_status)
            self._queue.task_done()


def _deliver_and_record(delivery: Delivery, policy: RetryPolicy,
                        record_status: Callable[[int, str], None]) -> None:
    try:
        outcome = deliver(delivery, policy)
    except Exception:  # noqa: BLE001 - a webhook must never take the server down
        log.exception("Webhook delivery to %s crashed", delivery.url)
        outcome = "failed: error"
    try:
        record_status(delivery.alert_id, outcome)
    except Exception:  # noqa: BLE001
        log.exception("Could not record the webhook status of alert %s", delivery.alert_id)
