"""Alert webhooks: a JSON POST signed with HMAC-SHA256 (header X-PeopleCounter-Signature:
sha256=<hex of HMAC(secret, body)>) with an Idempotency-Key header (the same on every
attempt of one delivery). Deliveries go through the durable outbox (services/outbox.py);
this module makes and sends one request, vetting its target first (webhook_targets)."""
from __future__ import annotations

import hashlib
import http.client
import hmac
import json
import logging
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Callable

from ..protocol import isolated
from . import webhook_targets

SIGNATURE_HEADER = "X-PeopleCounter-Signature"
EVENT_HEADER = "X-PeopleCounter-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
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


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def headers_for(event: str, secret: str, body: bytes, idempotency_key: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", "User-Agent": "people-counter-webhook/1",
               EVENT_HEADER: event, SIGNATURE_HEADER: sign(secret, body)}
    if idempotency_key:
        headers[IDEMPOTENCY_HEADER] = idempotency_key
    return headers


def send_one(url: str, body: bytes, headers: dict, timeout: float,
             allow_private: bool = False) -> tuple[str, bool]:
    """Vets the target (resolved now) and posts once: (status, worth retrying). Status is
    "delivered", "failed: HTTP 500", "failed: redirect (HTTP 302) not followed",
    "failed: refused target: <why>" or "failed: <error>"."""
    try:
        vetted = webhook_targets.vet(url, allow_private)
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


def url_for_log(url: str) -> str:
    """A webhook address as the logs show it: scheme, host and port only. The path and query
    are the receiver's secret for many services (a Slack or Teams incoming webhook is a token
    in the path), and user:password in the address never reaches a log either."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an address that cannot be read)"
    host = f"[{host}]" if ":" in host else host
    hidden = "/…" if (parts.path not in ("", "/") or parts.query or parts.fragment) else "/"
    return f"{parts.scheme}://{host}{port}{hidden}"


def deliver(delivery: Delivery, policy: RetryPolicy,
            sleep: Callable[[float], None] = time.sleep) -> str:
    """Posts until a 2xx answer or the attempts run out (a refused target or a redirect is
    not retried); returns the last status of send_one."""
    body = body_of(delivery.payload)
    headers = headers_for(delivery.event, delivery.secret, body)
    status = "failed: not attempted"
    for attempt in range(max(1, policy.attempts)):
        if attempt:
            sleep(policy.backoff_seconds * 2 ** (attempt - 1))
        status, retry = send_one(delivery.url, body, headers, policy.timeout_seconds,
                                 policy.allow_private)
        if status == "delivered":
            return status
        log.warning("Webhook %s attempt %d: %s", url_for_log(delivery.url), attempt + 1, status)
        if not retry:
            break
    return status


TEST_EVENT = "test"


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def alert_text(event: str, zone_name: str | None, occupancy: int | None,
               threshold: int | None, time_text: str) -> str:
    """The payload's `text`: one sentence a chat shows as it is (Slack, Mattermost and
    Rocket.Chat incoming webhooks need a `text`; without one they answer 400)."""
    name = isolated(zone_name) if zone_name else "A zone"
    when = re.sub(r"(\.\d+)?Z$", "", time_text).replace("T", " ") + " UTC"
    limit = f" (limit {threshold})" if threshold is not None else ""
    if event == "alert_start":
        now = f"{_people(occupancy)} now" if occupancy is not None else "too many people"
        return f"{name}: {now}{limit}. Alert started {when}."
    if event == "alert_end":
        now = f"down to {_people(occupancy)}" if occupancy is not None else "back under the limit"
        return f"{name}: {now}{limit}. Alert ended {when}."
    return (f"Test from People Counter: alerts of {name}{limit} will arrive here. "
            f"Sent {when}.")


def test_payload(zone: dict, zone_key: str, time_text: str) -> dict:
    """The body of a test delivery: an alert's fields, event "test", no alert or run."""
    return {"event": TEST_EVENT, "alert_id": None, "run_id": None,
            "zone": {"id": zone["id"], "key": zone_key, "name": zone["name"]},
            "threshold": zone["threshold"], "occupancy": None, "time": time_text,
            "text": alert_text(TEST_EVENT, zone["name"], None, zone["threshold"], time_text)}


def send_test(zone: dict, zone_key: str, time_text: str, policy: RetryPolicy) -> str:
    """One signed test POST to the zone's webhook, now (vetted like every delivery, never
    retried): the status of send_one."""
    body = body_of(test_payload(zone, zone_key, time_text))
    headers = headers_for(TEST_EVENT, zone["webhook_secret"], body, uuid.uuid4().hex)
    status, _retry = send_one(zone["webhook_url"], body, headers, policy.timeout_seconds,
                              policy.allow_private)
    return status


_ERROR_WORDS = {
    "TimeoutError": "the receiver did not answer in time",
    "timeout": "the receiver did not answer in time",
    "ConnectionRefusedError": "the receiver refused the connection (nothing listens there)",
    "ConnectionResetError": "the receiver closed the connection",
    "SSLCertVerificationError": "the receiver's TLS certificate is not valid for its name",
    "SSLError": "the TLS connection failed",
    "RemoteDisconnected": "the receiver closed the connection without an answer",
    "OSError": "the receiver cannot be reached",
}


def describe_status(status: str) -> str:
    """A delivery status in words for people ("delivered", "failed: HTTP 500", ...)."""
    if status == "delivered":
        return "Delivered: the receiver answered with a 2xx status."
    if status.startswith("cancelled"):
        return "Not sent: the webhook was removed before this delivery went out."
    reason = status.removeprefix("failed: ")
    if reason.startswith("refused target: "):
        why = reason.removeprefix("refused target: ")
        if why.startswith("cannot resolve") or why.endswith("has no address"):
            return f"Not sent: {why}. Check the host name."
        return f"Not sent: {why}. Webhooks go only to public internet addresses."
    if reason.startswith("redirect"):
        code = reason[reason.find("(") + 1:reason.find(")")]
        return (f"Not delivered: the receiver answered with a redirect ({code}); redirects "
                "are not followed, so give the final address.")
    if reason.startswith("HTTP "):
        return f"Not delivered: the receiver answered {reason}."
    words = _ERROR_WORDS.get(reason) or f"the request failed ({reason})"
    return f"Not delivered: {words}."
