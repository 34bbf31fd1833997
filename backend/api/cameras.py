"""IP cameras: add one by URL (RTSP, HTTP MJPEG, HLS), list, rename, mark "always on",
delete; watch it through the same-origin relay; read its outages (the gaps in its counts).

The URL is write-only: no answer of this API contains it (nor its host or credentials).
Another user's camera is a 404."""
from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app, stream_with_context, url_for
from flask_smorest import Blueprint

from ..db import transaction
from ..errors import ApiError
from ..protocol import IP_CAMERA_KEY_PREFIX, ip_camera_key
from ..repositories import cameras as camera_repo
from ..services import camera_urls
from ..services.camera_relay import CameraRelay, OutageLog, RelaySettings, TooManyReaders
from .common import (ID_CONVERTER, Text, UtcTime, Visible, current_user_id, not_found,
                     require_user)

blp = Blueprint("api_cameras", __name__, url_prefix="/api/cameras",
                description="IP cameras (RTSP, HTTP MJPEG, HLS) and their same-origin relay")
blp.before_request(require_user)
RELAY_KEY = "people_counter_camera_relay"
BOUNDARY = "pcframe"
KEY_PREFIX = IP_CAMERA_KEY_PREFIX
# The key its zones and runs are saved under (a webcam's slug never has a colon).
camera_key = ip_camera_key


class UrlField(ma.fields.String):
    """A camera URL; errors say what is wrong without repeating the URL."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ma.ValidationError("Give the camera's address as text.")
        try:
            camera_urls.parse(value.strip(), allow_private=_allow_private())
        except camera_urls.CameraUrlError as exc:
            raise ma.ValidationError(str(exc)) from None
        return value.strip()


def _allow_private() -> bool:
    """CAMERA_ALLOW_PRIVATE: LAN and loopback cameras (a laptop install) or public internet
    addresses only (a hosted server shared by many accounts)."""
    return bool(current_app.config.get("CAMERA_ALLOW_PRIVATE", True))


CAMERA_NAME_RULE = "Give the camera a name of 1 to 80 characters, e.g. Front door."
NAME_LENGTH = ma.validate.Length(1, 80, error=CAMERA_NAME_RULE)


class CameraInSchema(ma.Schema):
    name = Text(required=True, validate=[NAME_LENGTH, Visible(CAMERA_NAME_RULE)])
    url = UrlField(required=True, load_only=True, metadata={
        "description": "rtsp://user:pass@host/path, http(s)://host/mjpeg or .../index.m3u8; "
                       "write-only"})
    kind = ma.fields.String(load_default=None, allow_none=True,
                            validate=ma.validate.OneOf(camera_urls.KINDS))
    always_on = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def _kind_fits(self, data, **kwargs):
        if data.get("url") and data.get("kind"):
            try:
                camera_urls.parse(data["url"], data["kind"])
            except camera_urls.CameraUrlError as exc:
                raise ma.ValidationError({"kind": [str(exc)]}) from None


class CameraPatchSchema(CameraInSchema):
    name = Text(validate=[NAME_LENGTH, Visible(CAMERA_NAME_RULE)])
    url = UrlField(load_only=True)
    kind = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(camera_urls.KINDS))
    always_on = ma.fields.Boolean()


class CameraSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    scheme = ma.fields.String(metadata={"description": "rtsp, rtsps, http or https"})
    always_on = ma.fields.Boolean()
    camera_key = ma.fields.Function(lambda camera: camera_key(camera["id"]), metadata={
        "description": "the key its zones and runs are saved under"})
    stream_url = ma.fields.Function(
        lambda camera: url_for("api_cameras.stream", camera_id=camera["id"]))
    created_at = UtcTime()
    updated_at = UtcTime()


class CameraListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CameraSchema))


class StatusSchema(ma.Schema):
    state = ma.fields.String(metadata={"description": "idle, starting, online, reconnecting"})
    error = ma.fields.String(allow_none=True)
    message = ma.fields.String(allow_none=True)
    viewers = ma.fields.Integer()


class OutageSchema(ma.Schema):
    started_at = UtcTime()
    ended_at = UtcTime(allow_none=True)
    reason = ma.fields.String()


class OutageListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OutageSchema))


def relay() -> CameraRelay:
    return current_app.extensions[RELAY_KEY]


def _owned(conn, camera_id: int) -> dict:
    camera = camera_repo.get(conn, current_user_id(), camera_id)
    if camera is None:
        raise not_found("camera")
    return camera


@blp.route("")
@blp.response(200, CameraListSchema)
def list_cameras():
    """The user's IP cameras (never their URLs)."""
    with transaction() as conn:
        return {"items": camera_repo.list_for(conn, current_user_id())}


@blp.route("", methods=["POST"])
@blp.arguments(CameraInSchema)
@blp.response(201, CameraSchema)
def create_camera(values):
    """Add a camera by URL; the kind is found from the URL unless given."""
    user_id = current_user_id()
    parsed = camera_urls.parse(values["url"], values.get("kind"), allow_private=_allow_private())
    with transaction() as conn:
        if camera_repo.count_for(conn, user_id) >= camera_repo.MAX_CAMERAS_PER_USER:
            raise ApiError(409, f"At most {camera_repo.MAX_CAMERAS_PER_USER} cameras per "
                                "account.", "too_many_cameras")
        camera_id = camera_repo.create(conn, user_id, name=values["name"], kind=parsed.kind,
                                       url=values["url"], always_on=values["always_on"])
        camera = camera_repo.get(conn, user_id, camera_id)
    return camera, 201, {"Location": url_for("api_cameras.get_camera", camera_id=camera_id)}


@blp.route(f"/<{ID_CONVERTER}:camera_id>")
@blp.response(200, CameraSchema)
def get_camera(camera_id: int):
    """One camera."""
    with transaction() as conn:
        return _owned(conn, camera_id)


@blp.route(f"/<{ID_CONVERTER}:camera_id>", methods=["PATCH"])
@blp.arguments(CameraPatchSchema)
@blp.response(200, CameraSchema)
def update_camera(values, camera_id: int):
    """Rename, mark always on, or give a new URL (the reader restarts with it)."""
    user_id = current_user_id()
    with transaction() as conn:
        camera = _owned(conn, camera_id)
        if "url" in values or values.get("kind"):
            url = values.get("url") or camera_repo.url_of(conn, user_id, camera_id)
            try:
                # a new URL meets today's address rule; a kept one is judged when read
                values["kind"] = camera_urls.parse(
                    url, values.get("kind"),
                    allow_private="url" not in values or _allow_private()).kind
            except camera_urls.CameraUrlError as exc:
                raise ApiError(422, "Some fields are not valid.", "unprocessable_entity",
                               fields={"kind": [str(exc)]}) from None
        values = {k: v for k, v in values.items() if v is not None or k == "always_on"}
        camera_repo.update(conn, user_id, camera_id, values)
        camera = camera_repo.get(conn, user_id, camera_id)
    if "url" in values:
        relay().restart(camera_id)
    return camera


@blp.route(f"/<{ID_CONVERTER}:camera_id>", methods=["DELETE"])
@blp.response(204)
def delete_camera(camera_id: int):
    """Delete a camera and its zones, as a video's go with it: their webhooks go too
    (deliveries still waiting are not sent) and the sessions that counted them keep their
    names. Its sessions, counts and alerts stay."""
    with transaction() as conn:
        if camera_repo.delete(conn, current_user_id(), camera_id) is None:
            raise not_found("camera")
    relay().restart(camera_id)
    return None


@blp.route(f"/<{ID_CONVERTER}:camera_id>/status")
@blp.response(200, StatusSchema)
def camera_status(camera_id: int):
    """The relay's state for the camera and, after a failure, what went wrong."""
    with transaction() as conn:
        _owned(conn, camera_id)
    status = relay().status(camera_id) or {"state": "idle", "error": None, "viewers": 0}
    return {**status, "message": camera_urls.ERRORS.get(status["error"])}


@blp.route(f"/<{ID_CONVERTER}:camera_id>/outages")
@blp.response(200, OutageListSchema)
def camera_outages(camera_id: int):
    """When the camera's picture was lost and came back (newest first): the gaps in its
    counts. ended_at null: still out."""
    with transaction() as conn:
        _owned(conn, camera_id)
        return {"items": camera_repo.outages(conn, camera_id)}


def _part(jpeg: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
            .encode() + jpeg + b"\r\n")


@blp.route(f"/<{ID_CONVERTER}:camera_id>/stream")
@blp.doc(responses={200: {"description": "multipart/x-mixed-replace JPEG frames"},
                    502: {"description": "the camera could not be read: error, message"}})
def stream(camera_id: int):
    """The camera's pictures, same-origin, as multipart/x-mixed-replace JPEG frames. One
    ffmpeg reads the camera however many viewers watch; the answer ends when the camera
    drops (reconnect to continue). 502 with a specific error when it cannot be read."""
    user_id = current_user_id()
    with transaction() as conn:
        camera = _owned(conn, camera_id)
    app = current_app._get_current_object()

    def url_source() -> str:
        with app.app_context(), transaction() as conn:
            url = camera_repo.url_of(conn, user_id, camera_id)
        if url is None:
            raise LookupError("camera deleted")
        return url

    hub = relay()
    limit = current_app.config["CAMERA_MAX_READERS_PER_USER"]
    try:
        reader = hub.subscribe(camera_id, url_source, camera["kind"], owner=user_id,
                               max_readers=limit)
    except TooManyReaders:
        raise ApiError(429, f"At most {limit} of your cameras can be watched at once; close "
                            "another camera first.", "too_many_streams") from None
    first = reader.wait_frame(0, hub.settings.open_timeout_seconds)
    if first is None:
        reader.leave()
        code = reader.error or "unreachable"
        raise ApiError(502, camera_urls.ERRORS.get(code, camera_urls.ERRORS["failed"]),
                       f"camera_{code}")

    def frames():
        try:
            frame = first
            yield _part(frame.jpeg)
            while True:
                frame = reader.wait_frame(frame.seq, hub.settings.stall_seconds)
                if frame is None:
                    return
                yield _part(frame.jpeg)
        finally:
            reader.leave()

    response = Response(stream_with_context(frames()),
                        mimetype=f"multipart/x-mixed-replace; boundary={BOUNDARY}")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass frames on as they come
    return response


def init_app(app) -> None:
    """The process's relay, writing outages to the database."""
    def started(camera_id: int, reason: str) -> None:
        with app.app_context(), transaction() as conn:
            camera_repo.outage_started(conn, camera_id, reason)

    def ended(camera_id: int) -> None:
        with app.app_context(), transaction() as conn:
            camera_repo.outage_ended(conn, camera_id)

    settings = RelaySettings(
        ffmpeg=app.config["FFMPEG_BIN"], max_fps=app.config["CAMERA_MAX_FPS"],
        max_width=app.config["CAMERA_MAX_WIDTH"],
        open_timeout_seconds=app.config["CAMERA_OPEN_TIMEOUT_SECONDS"],
        idle_seconds=app.config["CAMERA_IDLE_SECONDS"],
        stall_seconds=app.config["CAMERA_STALL_SECONDS"],
        allow_private=app.config["CAMERA_ALLOW_PRIVATE"])
    hub = CameraRelay(settings, OutageLog(started, ended))
    app.extensions[RELAY_KEY] = hub
    from ..ops import EXTRA_METRICS_KEY

    app.extensions.setdefault(EXTRA_METRICS_KEY, []).append(lambda: relay_metrics(hub))


def relay_metrics(hub: CameraRelay) -> bytes:
    """The relay's readers as Prometheus text (per process, like every metric here)."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    readers = hub.snapshot()

    class Collector:
        def collect(self):
            yield GaugeMetricFamily("pc_camera_readers", "ffmpeg readers running (one per "
                                    "watched camera)", value=len(readers))
            labels = ["camera_id", "state"]
            viewers = GaugeMetricFamily("pc_camera_viewers", "Viewers of each relayed camera",
                                        labels=labels)
            starts = CounterMetricFamily("pc_camera_reader_starts", "ffmpeg starts per camera "
                                         "(more than 1: the camera dropped)", labels=labels)
            frames = CounterMetricFamily("pc_camera_relayed_frames", "Pictures relayed",
                                         labels=labels)
            for reader in readers:
                key = [str(reader["camera_id"]), reader["state"]]
                viewers.add_metric(key, reader["viewers"])
                starts.add_metric(key, reader["starts"])
                frames.add_metric(key, reader["frames"])
            yield from (viewers, starts, frames)

    registry = CollectorRegistry()
    registry.register(Collector())
    return generate_latest(registry)
