"""Zones of a video or a camera: polygons, directed lines and bands, with alert settings."""
from __future__ import annotations

import re
import secrets

import marshmallow as ma
from flask import current_app, url_for
from flask_smorest import Blueprint

from ..db import transaction
from ..protocol import (MAX_ALERT_THRESHOLD, MAX_HOLD_SECONDS, ip_camera_id_from_key,
                        saved_zone_key)
from ..repositories import cameras as camera_repo
from ..repositories import outbox as outbox_repo
from ..repositories import videos as video_repo
from ..repositories import zones as zone_repo
from ..services import webhook_targets
from .common import (ID_CONVERTER, FullMatch, Id, QueryId, Text, UtcTime, Visible,
                     current_user_id, field_error, not_found, require_user)
from .geometry import GeometryField, validate_geometry

blp = Blueprint("api_zones", __name__, url_prefix="/api/zones",
                description="Zones, lines and bands per video or camera")
blp.before_request(require_user)
MAX_FRAME = 16384
KINDS = ("polygon", "line", "band")
COLOR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")


_WHOLE_URL = ma.validate.URL(schemes={"http", "https"}, require_tld=False,
                             error="Use a whole http:// or https:// address, e.g. "
                                   "https://hooks.example.com/alerts.")


def _whole_url(url: str) -> None:
    """A whole http(s) URL; one the URL check turns down whose host is nevertheless an
    address inside the network (short IPv4 forms the C library accepts, http://127.1/,
    http://10.1/, http://0x7f.1/, or an IPv4-mapped IPv6 address) is refused for what it is,
    not as a malformed address."""
    try:
        _WHOLE_URL(url)
    except ma.ValidationError:
        try:
            webhook_targets.parse_target(url)
        except webhook_targets.TargetRefused:
            raise ma.ValidationError(_WHOLE_URL.error) from None
        raise ma.ValidationError(webhook_url_problem(url) or _WHOLE_URL.error) from None


# A zone's webhook address: the same rules here and on /api/zones/<id>/webhook.
WEBHOOK_URL_RULES = [
    ma.validate.Length(max=500, error="Use an address of at most 500 characters."),
    _whole_url]


def webhook_url_problem(url: str) -> str | None:
    """Why the server will not post to this address (the checks that need no DNS; the
    send-time check resolves the name as well), or None."""
    try:
        webhook_targets.check_url(url, bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]))
    except webhook_targets.TargetRefused as exc:
        return f"The server will not post to this address: {exc}."
    return None


class ZoneInSchema(ma.Schema):
    name = Text(required=True, validate=[ma.validate.Length(1, 80), Visible()])
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    video_id = Id(load_default=None, allow_none=True)
    camera_key = Text(load_default=None, allow_none=True, validate=ma.validate.Length(1, 120))
    frame_width = ma.fields.Integer(required=True, strict=True,
                                    validate=ma.validate.Range(1, MAX_FRAME))
    frame_height = ma.fields.Integer(required=True, strict=True,
                                     validate=ma.validate.Range(1, MAX_FRAME))
    geometry = GeometryField(required=True)
    color = ma.fields.String(load_default="#0f766e", validate=FullMatch(
        COLOR_PATTERN, error="Use a colour like #0f766e."))
    threshold = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                  validate=ma.validate.Range(1, MAX_ALERT_THRESHOLD))
    hold_seconds = ma.fields.Float(load_default=0.0, validate=ma.validate.Range(0, MAX_HOLD_SECONDS),
                                   metadata={"description": "Seconds occupancy must stay above "
                                             "the threshold before an alert starts"})
    end_hold_seconds = ma.fields.Float(
        load_default=0.0, validate=ma.validate.Range(0, MAX_HOLD_SECONDS),
        metadata={"description": "Seconds occupancy must stay at or below the threshold "
                  "before an alert ends (hysteresis: no flapping)"})
    # Left out of a PUT: the zone keeps its webhook (the monitor saves shapes and limits, the
    # Webhooks page addresses; neither undoes the other). null: no webhook.
    webhook_url = Text(allow_none=True, validate=WEBHOOK_URL_RULES)

    @ma.validates_schema
    def _check(self, data, **kwargs):
        errors = {}
        if (data.get("video_id") is None) == (data.get("camera_key") is None):
            errors["video_id"] = ["Give either video_id or camera_key (exactly one)."]
        if "geometry" in data and "kind" in data and "frame_width" in data \
                and "frame_height" in data:
            problems = validate_geometry(data["kind"], data["geometry"], data["frame_width"],
                                         data["frame_height"])
            if problems:
                errors["geometry"] = problems
        problem = data.get("webhook_url") and webhook_url_problem(data["webhook_url"])
        if problem:
            errors["webhook_url"] = [problem]
        if errors:
            raise ma.ValidationError(errors)


class ZoneSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    video_id = ma.fields.Integer(allow_none=True)
    camera_key = ma.fields.String(allow_none=True)
    frame_width = ma.fields.Integer()
    frame_height = ma.fields.Integer()
    geometry = ma.fields.Dict()
    color = ma.fields.String()
    threshold = ma.fields.Integer(allow_none=True)
    hold_seconds = ma.fields.Float()
    end_hold_seconds = ma.fields.Float()
    webhook_url = ma.fields.String(allow_none=True)
    webhook_secret = ma.fields.String(allow_none=True, metadata={
        "description": "HMAC-SHA256 key of the X-PeopleCounter-Signature header"})
    created_at = UtcTime()
    updated_at = UtcTime()


class ZoneListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ZoneSchema))


class ZoneFilterArgs(ma.Schema):
    video_id = QueryId(load_default=None)
    camera_key = Text(load_default=None, validate=ma.validate.Length(1, 120))


def _check_video(conn, user_id: int, values: dict) -> None:
    """The video, or the IP camera an "ipcam:<id>" key names, is one of the user's: a zone
    saved for a camera deleted meanwhile (a monitor tab left open) would come back as an
    orphan with a working webhook."""
    video_id = values.get("video_id")
    if video_id is not None and not video_repo.exists(conn, user_id, video_id):
        raise field_error("video_id", "No such video.")
    camera_id = ip_camera_id_from_key(values.get("camera_key"))
    if camera_id is not None and camera_repo.get(conn, user_id, camera_id) is None:
        raise field_error("camera_key", "No such IP camera: it was deleted, or is not yours.")


def _with_secret(values: dict, previous: dict | None = None) -> dict:
    """A webhook gets a signing secret once; it is kept while the URL stays set."""
    if not values.get("webhook_url"):
        return {**values, "webhook_secret": None}
    secret = (previous or {}).get("webhook_secret") or secrets.token_hex(20)
    return {**values, "webhook_secret": secret}


@blp.route("")
@blp.arguments(ZoneFilterArgs, location="query")
@blp.response(200, ZoneListSchema)
def list_zones(args):
    """The user's zones, optionally of one video or one camera."""
    user_id = current_user_id()
    with transaction() as conn:
        if args["video_id"] is not None and not video_repo.exists(conn, user_id,
                                                                  args["video_id"]):
            raise not_found("video")
        items = zone_repo.list_for(conn, user_id, args["video_id"], args["camera_key"])
    return {"items": items}


@blp.route("", methods=["POST"])
@blp.arguments(ZoneInSchema)
@blp.response(201, ZoneSchema)
def create_zone(values):
    """Create a zone (polygon), a directed line or a band."""
    user_id = current_user_id()
    with transaction() as conn:
        _check_video(conn, user_id, values)
        zone_id = zone_repo.create(conn, user_id, _with_secret(values))
        zone = zone_repo.get(conn, user_id, zone_id)
    return zone, 201, {"Location": url_for("api_zones.get_zone", zone_id=zone_id)}


@blp.route(f"/<{ID_CONVERTER}:zone_id>")
@blp.response(200, ZoneSchema)
def get_zone(zone_id: int):
    """One zone."""
    with transaction() as conn:
        zone = zone_repo.get(conn, current_user_id(), zone_id)
    if zone is None:
        raise not_found("zone")
    return zone


@blp.route(f"/<{ID_CONVERTER}:zone_id>", methods=["PUT"])
@blp.arguments(ZoneInSchema)
@blp.response(200, ZoneSchema)
def replace_zone(values, zone_id: int):
    """Replace a zone's settings and shape."""
    user_id = current_user_id()
    with transaction() as conn:
        previous = zone_repo.get(conn, user_id, zone_id)
        if previous is None:
            raise not_found("zone")
        _check_video(conn, user_id, values)
        if "webhook_url" not in values:
            values = {**values, "webhook_url": previous["webhook_url"]}
        elif previous["webhook_url"] and not values["webhook_url"]:
            outbox_repo.cancel_pending(conn, user_id, saved_zone_key(zone_id))
        zone_repo.update(conn, user_id, zone_id, _with_secret(values, previous))
        return zone_repo.get(conn, user_id, zone_id)


@blp.route(f"/<{ID_CONVERTER}:zone_id>", methods=["DELETE"])
@blp.response(204)
def delete_zone(zone_id: int):
    """Delete a zone (its counts stay, without the link)."""
    user_id = current_user_id()
    with transaction() as conn:
        if not zone_repo.delete(conn, user_id, zone_id):
            raise not_found("zone")
        # Its webhook's deliveries still waiting are not sent after it is gone.
        outbox_repo.cancel_pending(conn, user_id, saved_zone_key(zone_id))
    return None
