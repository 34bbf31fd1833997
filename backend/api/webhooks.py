"""Zone webhooks (the page /webhooks): list them, set or replace a zone's address, send a
signed test now, remove one. A webhook belongs to one of the user's zones; its alert_start
and alert_end deliveries go through the outbox (services/outbox.py). The address rules are
the zones' (api/zones.py webhook_url_problem; the send-time check resolves the name too).
Another user's zone is a 404."""
from __future__ import annotations

import math
import secrets
from datetime import timedelta

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from ..db import transaction
from ..errors import ApiError
from ..protocol import iso_utc, isolated, saved_zone_key
from ..repositories import cameras as camera_repo
from ..repositories import outbox as outbox_repo
from ..repositories import webhook_tests as test_repo
from ..repositories import videos as video_repo
from ..repositories import zones as zone_repo
from ..schema import utcnow
from ..services.outbox import SenderSettings
from ..services.webhooks import describe_status, send_test
from .cameras import KEY_PREFIX as IP_CAMERA_PREFIX
from .common import ID_CONVERTER, Text, UtcTime, current_user_id, not_found, require_user
from .zones import WEBHOOK_URL_RULES, webhook_url_problem

blp = Blueprint("api_webhooks", __name__, url_prefix="/api",
                description="Zone alert webhooks: list, set, test, remove")
blp.before_request(require_user)


class WebhookInSchema(ma.Schema):
    url = Text(required=True, validate=WEBHOOK_URL_RULES, metadata={
        "description": "A public http(s) address; loopback and LAN addresses are refused "
                       "unless WEBHOOK_ALLOW_PRIVATE"})

    @ma.validates_schema
    def _check(self, data, **kwargs):
        problem = data.get("url") and webhook_url_problem(data["url"])
        if problem:
            raise ma.ValidationError({"url": [problem]})


class LastDeliverySchema(ma.Schema):
    event = ma.fields.String(metadata={"description": "alert_start or alert_end"})
    status = ma.fields.String(metadata={"description": "pending (being sent or retried), "
                                        "delivered or failed"})
    attempts = ma.fields.Integer()
    result = ma.fields.String(allow_none=True, metadata={
        "description": "The last attempt's outcome, e.g. failed: HTTP 500"})
    message = ma.fields.String(allow_none=True, metadata={"description": "It in words"})
    created_at = UtcTime()
    sent_at = UtcTime(allow_none=True)


class WebhookZoneSchema(ma.Schema):
    zone_id = ma.fields.Integer()
    zone_key = ma.fields.String()
    zone_name = ma.fields.String()
    kind = ma.fields.String()
    threshold = ma.fields.Integer(allow_none=True, metadata={
        "description": "The zone's alert limit; null: it raises no alerts, so no deliveries"})
    place = ma.fields.String(metadata={"description": "The video or camera the zone is on"})
    url = ma.fields.String(allow_none=True)
    secret = ma.fields.String(allow_none=True, metadata={
        "description": "HMAC-SHA256 key of the X-PeopleCounter-Signature header"})
    last_delivery = ma.fields.Nested(LastDeliverySchema, allow_none=True, metadata={
        "description": "The newest alert delivery for this zone (null: none yet)"})


class WebhookListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(WebhookZoneSchema), metadata={
        "description": "The zones with a webhook"})
    zones = ma.fields.List(ma.fields.Nested(WebhookZoneSchema), metadata={
        "description": "Every zone (polygon) that can have one, with or without"})


class WebhookTestSchema(ma.Schema):
    delivered = ma.fields.Boolean()
    status = ma.fields.String(metadata={"description": "delivered, or failed: <why>"})
    message = ma.fields.String(metadata={"description": "The status in words"})
    sent_at = ma.fields.String()


def _place(zone: dict, video_names: dict[int, str], camera_names: dict[int, str]) -> str:
    if zone["video_id"] is not None:
        return f"Video “{isolated(video_names.get(zone['video_id'], zone['video_id']))}”"
    key = zone["camera_key"] or ""
    if key.startswith(IP_CAMERA_PREFIX) and key[len(IP_CAMERA_PREFIX):].isdigit():
        name = camera_names.get(int(key[len(IP_CAMERA_PREFIX):]))
        if name:
            return f"IP camera “{isolated(name)}”"
    return f"Camera “{isolated(key)}”"


def _last_delivery(row: dict | None) -> dict | None:
    if row is None:
        return None
    result = row["last_result"]
    return {"event": row["event"], "status": row["status"], "attempts": row["attempts"],
            "result": result, "message": describe_status(result) if result else None,
            "created_at": row["created_at"], "sent_at": row["sent_at"]}


def _described(zone: dict, video_names: dict, camera_names: dict,
               deliveries: dict | None = None) -> dict:
    key = saved_zone_key(zone["id"])
    return {"zone_id": zone["id"], "zone_key": key,
            "zone_name": zone["name"], "kind": zone["kind"], "threshold": zone["threshold"],
            "place": _place(zone, video_names, camera_names), "url": zone["webhook_url"],
            "secret": zone["webhook_secret"],
            "last_delivery": _last_delivery((deliveries or {}).get(key))}


def _owned_zone(conn, user_id: int, zone_id: int) -> dict:
    zone = zone_repo.get(conn, user_id, zone_id)
    if zone is None:
        raise not_found("zone")
    return zone


def _no_alerts(zone: dict) -> ApiError:
    return ApiError(409, f"“{isolated(zone['name'])}” is a {zone['kind']}: only zones "
                    "(polygons) raise occupancy alerts, so a webhook on it would never be "
                    "called.",
                    "not_a_zone")


@blp.route("/webhooks")
@blp.response(200, WebhookListSchema)
def list_webhooks():
    """The user's zones with a webhook (items) and every zone that can have one (zones)."""
    user_id = current_user_id()
    with transaction() as conn:
        zones = zone_repo.list_for(conn, user_id)
        videos = video_repo.names_of(conn, user_id)
        cameras = camera_repo.names_of(conn, user_id)
        deliveries = outbox_repo.latest_by_zone_key(
            conn, user_id, {saved_zone_key(zone["id"]) for zone in zones if zone["webhook_url"]})
    described = [_described(zone, videos, cameras, deliveries) for zone in zones
                 if zone["kind"] == "polygon" or zone["webhook_url"]]
    return {"items": [zone for zone in described if zone["url"]],
            "zones": [zone for zone in described if zone["kind"] == "polygon"]}


@blp.route(f"/zones/<{ID_CONVERTER}:zone_id>/webhook", methods=["PUT"])
@blp.arguments(WebhookInSchema)
@blp.response(200, WebhookZoneSchema)
def set_webhook(values, zone_id: int):
    """Set or replace a zone's webhook address (its signing secret is kept while it has one)."""
    user_id = current_user_id()
    with transaction() as conn:
        zone = _owned_zone(conn, user_id, zone_id)
        if zone["kind"] != "polygon":
            raise _no_alerts(zone)
        secret = zone["webhook_secret"] or secrets.token_hex(20)
        zone_repo.set_webhook(conn, user_id, zone_id, values["url"], secret)
        zone = zone_repo.get(conn, user_id, zone_id)
        videos = video_repo.names_of(conn, user_id)
        cameras = camera_repo.names_of(conn, user_id)
    return _described(zone, videos, cameras)


@blp.route(f"/zones/<{ID_CONVERTER}:zone_id>/webhook", methods=["DELETE"])
@blp.response(204)
def remove_webhook(zone_id: int):
    """Remove a zone's webhook; its deliveries still waiting (or waiting for a retry) are not
    sent any more."""
    user_id = current_user_id()
    with transaction() as conn:
        _owned_zone(conn, user_id, zone_id)
        zone_repo.set_webhook(conn, user_id, zone_id, None, None)
        outbox_repo.cancel_pending(conn, user_id, saved_zone_key(zone_id))
    return None


@blp.route(f"/zones/<{ID_CONVERTER}:zone_id>/webhook/test", methods=["POST"])
@blp.response(200, WebhookTestSchema)
def test_webhook(zone_id: int):
    """Send a signed test POST (X-PeopleCounter-Event: test) to the zone's webhook now, once,
    with the checks of every delivery; answers how it went."""
    with transaction() as conn:
        zone = _owned_zone(conn, current_user_id(), zone_id)
    if not zone["webhook_url"]:
        raise ApiError(409, f"“{isolated(zone['name'])}” has no webhook to test.", "no_webhook")
    _count_test_send(current_user_id())
    policy = SenderSettings.from_config(current_app.config).policy
    sent_at = iso_utc(utcnow())
    status = send_test(zone, saved_zone_key(zone["id"]), sent_at, policy)
    return {"delivered": status == "delivered", "status": status,
            "message": describe_status(status), "sent_at": sent_at}


def _count_test_send(user_id: int) -> None:
    """At most WEBHOOK_TEST_MAX test sends per user in WEBHOOK_TEST_WINDOW_SECONDS, on every
    instance: each holds a worker for up to the webhook timeout, and its answer ("refused the
    connection", "did not answer in time") would otherwise let a user probe the ports of public
    hosts through the server as fast as they like. The send is stored (and committed) before it
    is counted, so concurrent requests count each other; a refused one is removed again, so
    waiting is enough."""
    config = current_app.config
    limit, window = int(config["WEBHOOK_TEST_MAX"]), timedelta(seconds=int(config["WEBHOOK_TEST_WINDOW_SECONDS"]))
    if limit <= 0:
        return
    now = utcnow()
    with transaction() as conn:
        test_repo.delete_older_than(conn, user_id, now - window)
        test_id = test_repo.record(conn, user_id, now)
    with transaction() as conn:
        times = test_repo.times_since(conn, user_id, now - window)
        if len(times) <= limit:
            return
        test_repo.delete(conn, test_id)
    # the earliest moment at which fewer than `limit` sends remain in the window
    wait = max(1, math.ceil((times[len(times) - 1 - limit] + window - now).total_seconds()))
    raise ApiError(429, f"At most {limit} test sends a minute: try again in {wait} s."
                   if window == timedelta(minutes=1) else
                   f"At most {limit} test sends in {int(window.total_seconds())} s: try again in {wait} s.",
                   "too_many_tests", headers={"Retry-After": str(wait)})

