"""Runs (counting sessions) and idempotent ingestion of count batches."""
from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_smorest import Blueprint

from .. import ops
from ..db import transaction
from ..errors import ApiError
from ..protocol import (AGE_BANDS, DEMOGRAPHIC_KINDS, EVENT_KINDS, GENDERS,
                        IP_CAMERA_KEY_PREFIX, KEY_PATTERN, KEY_RULE, MAX_ALERT_THRESHOLD,
                        MAX_BATCH_ROWS, MAX_DWELL_SECONDS, TRACK_ID_MAX, TRACK_ID_MIN,
                        ip_camera_id_from_key, ip_camera_key)
from ..repositories import cameras as camera_repo
from ..repositories import ingest as ingest_repo
from ..repositories import runs as run_repo
from ..repositories import videos as video_repo
from ..schema import utcnow
from ..services import demographics, ingestion, live_bus, outbox
from .batch_parser import read_batch
from .common import (ID_CONVERTER, Count, Delta, FullMatch, Id, PageArgs, QueryId, Text,
                     UtcTime, Visible, current_user_id, field_error, not_found,
                     page_envelope, require_user)

blp = Blueprint("api_runs", __name__, url_prefix="/api/runs",
                description="Counting runs and idempotent count ingestion")
blp.before_request(require_user)
KEY = FullMatch(KEY_PATTERN, error=KEY_RULE)
SOURCE_KINDS = ("webcam", "file", "video", "ipcam")
TOUCH_EVERY = timedelta(seconds=2)
DEADLOCK_RETRIES = 3
MAX_KEY_NAMES = 200


class KeyNameSchema(ma.Schema):
    name = Text(required=True, validate=[ma.validate.Length(1, 80), Visible()])
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(("polygon", "line", "band")))
    threshold = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                  validate=ma.validate.Range(1, MAX_ALERT_THRESHOLD))


class RunInSchema(ma.Schema):
    client_run_id = ma.fields.String(required=True, validate=KEY)
    source_kind = ma.fields.String(required=True, validate=ma.validate.OneOf(SOURCE_KINDS))
    video_id = Id(load_default=None, allow_none=True)
    camera_key = Text(load_default=None, allow_none=True, validate=ma.validate.Length(1, 120))
    label = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=255))
    key_names = ma.fields.Dict(
        keys=ma.fields.String(validate=KEY), values=ma.fields.Nested(KeyNameSchema),
        load_default=None, allow_none=True, validate=ma.validate.Length(max=MAX_KEY_NAMES),
        metadata={"description": "Names and kinds of the run's zones that are not saved "
                                 "(keys such as draft-3), shown wherever the run's figures are"})

    @ma.validates_schema
    def _video_needs_id(self, data, **kwargs):
        if data.get("source_kind") == "video" and data.get("video_id") is None:
            raise ma.ValidationError({"video_id": ["A run of an uploaded video needs its id."]})


class RunPatchSchema(ma.Schema):
    ended = ma.fields.Boolean(metadata={"description": "true ends the run, false reopens it"})
    label = Text(allow_none=True, validate=ma.validate.Length(max=255))


class RunSchema(ma.Schema):
    id = ma.fields.Integer()
    client_run_id = ma.fields.String()
    source_kind = ma.fields.String()
    video_id = ma.fields.Integer(allow_none=True)
    camera_key = ma.fields.String(allow_none=True)
    label = ma.fields.String(allow_none=True)
    started_at = UtcTime()
    ended_at = UtcTime(allow_none=True)
    last_seen_at = UtcTime(allow_none=True)
    stats_url = ma.fields.Function(
        lambda run: url_for("api_stats.run_stats", run_id=run["id"]))
    live_url = ma.fields.Function(lambda run: url_for("api_live.run_live", run_id=run["id"]))


class RunPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RunSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class RunFilterArgs(PageArgs):
    video_id = QueryId(load_default=None)
    camera_key = Text(load_default=None, validate=ma.validate.Length(1, 120))


class SampleSchema(ma.Schema):
    ts = UtcTime(required=True)
    zone_key = ma.fields.String(required=True, validate=KEY)
    zone_id = Id(load_default=None, allow_none=True)
    occupancy = Count(required=True)
    entries = Delta(required=True, metadata={"description": (
        "Change of the net entries since the previous sample of this key; negative when a "
        "confirmed crossing of a line was cancelled by the person walking back.")})
    exits = Delta(required=True, metadata={"description": "Likewise for exits."})
    peak = Count(load_default=None, allow_none=True, metadata={"description": (
        "The most people at once since the previous sample of this key (this sample's "
        "moment included), when more than occupancy: the page counts every frame and samples "
        "once a second, so a peak between two samples still reaches peak_occupancy.")})

    @ma.validates_schema
    def _peak_not_below_occupancy(self, data, **kwargs):
        if data.get("peak") is not None and data["peak"] < data.get("occupancy", 0):
            raise ma.ValidationError({"peak": ["Must not be below occupancy."]})


class EventSchema(ma.Schema):
    ts = UtcTime(required=True)
    zone_key = ma.fields.String(required=True, validate=KEY)
    zone_id = Id(load_default=None, allow_none=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(EVENT_KINDS))
    track_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                 validate=ma.validate.Range(TRACK_ID_MIN, TRACK_ID_MAX))
    dwell_s = ma.fields.Float(load_default=None, allow_none=True,
                              validate=ma.validate.Range(0, MAX_DWELL_SECONDS))
    value = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                              validate=ma.validate.Range(0, 1_000_000))


class DemographicRowSchema(ma.Schema):
    """An aggregate, never a person: how many of a line's ins or outs (or a zone's entries)
    in one minute had this gender and age band (estimated in the browser)."""
    ts = UtcTime(required=True, metadata={"description": "The minute (seconds are dropped)"})
    zone_key = ma.fields.String(required=True, validate=KEY)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(DEMOGRAPHIC_KINDS))
    gender = ma.fields.String(required=True, validate=ma.validate.OneOf(GENDERS))
    age_band = ma.fields.String(required=True, validate=ma.validate.OneOf(AGE_BANDS))
    count = Delta(required=True, metadata={
        "description": "Change of the count; negative when a counted crossing was cancelled "
                       "(the person walked back). A cell never goes below zero."})

    @ma.validates("count")
    def _not_zero(self, value, **kwargs):
        if value == 0:
            raise ma.ValidationError("Must not be 0.")


class BatchSchema(ma.Schema):
    batch_id = ma.fields.String(required=True, validate=KEY,
                                metadata={"description": "Client-made id (a UUID)"})
    samples = ma.fields.List(ma.fields.Nested(SampleSchema), load_default=list,
                             validate=ma.validate.Length(max=MAX_BATCH_ROWS))
    events = ma.fields.List(ma.fields.Nested(EventSchema), load_default=list,
                            validate=ma.validate.Length(max=MAX_BATCH_ROWS))
    demographics = ma.fields.List(
        ma.fields.Nested(DemographicRowSchema), load_default=list,
        validate=ma.validate.Length(max=MAX_BATCH_ROWS),
        metadata={"description": "Opt-in age/gender aggregates (docs/demographics.md)"})
    ends_run = ma.fields.Boolean(load_default=False, metadata={
        "description": "The run's last batch: stored and the run ended in one step (a page "
                       "closed while counting sends it as it goes); a duplicate changes nothing"})


class BatchResultSchema(ma.Schema):
    batch_id = ma.fields.String()
    duplicate = ma.fields.Boolean()
    samples = ma.fields.Integer()
    events = ma.fields.Integer()


def owned_run(conn, run_id: int) -> dict:
    run = run_repo.get(conn, current_user_id(), run_id)
    if run is None:
        raise not_found("run")
    return run


def owned_video_run_ids(conn, video_id: int) -> list[int]:
    """The runs of one of the user's videos (a video of someone else's is a 404)."""
    user_id = current_user_id()
    if not video_repo.exists(conn, user_id, video_id):
        raise not_found("video")
    return run_repo.ids_of_video(conn, user_id, video_id)


@blp.route("")
@blp.arguments(RunFilterArgs, location="query")
@blp.response(200, RunPageSchema)
def list_runs(args):
    """The user's runs, newest first. Another user's (or no) video in the filter is a 404."""
    with transaction() as conn:
        if args["video_id"] is not None and not video_repo.exists(conn, current_user_id(),
                                                                  args["video_id"]):
            raise not_found("video")
        items, total = run_repo.list_page(conn, current_user_id(), args["page"],
                                          args["per_page"], args["video_id"],
                                          args["camera_key"])
    return page_envelope(items, args["page"], args["per_page"], total)


def own_camera_key(conn, user_id: int, camera_key: str | None) -> str | None:
    """The camera key a new run is stored under. An IP camera's key ("ipcam:<id>", in any
    spelling) is kept only when the camera is one of the user's now, written the one way
    ("ipcam:7"); otherwise (another user's camera, one the user deleted since the run was
    queued offline, none at all) the run is stored with no camera: its counts are kept, it
    links to no camera, and the answer is the same whoever owns that id, so it tells
    nothing about other accounts. Webcam keys (names, never with a colon) are kept."""
    if camera_key is None or not camera_key.lower().startswith(IP_CAMERA_KEY_PREFIX):
        return camera_key
    camera_id = ip_camera_id_from_key(IP_CAMERA_KEY_PREFIX + camera_key[len(IP_CAMERA_KEY_PREFIX):])
    if camera_id is None or camera_repo.get(conn, user_id, camera_id) is None:
        return None
    return ip_camera_key(camera_id)


@blp.route("", methods=["POST"])
@blp.arguments(RunInSchema)
@blp.response(201, RunSchema)
@blp.alt_response(200, schema=RunSchema, description="A run with this client_run_id exists")
def create_run(values):
    """Start a run; the same client_run_id again answers 200 with the existing run. An IP
    camera's key that is not one of the user's cameras is stored as no camera
    (camera_key null): the counts are kept, linked to no camera."""
    user_id = current_user_id()
    with transaction() as conn:
        existing = run_repo.get_by_client_id(conn, user_id, values["client_run_id"])
        if existing:
            return existing, 200
        if values["video_id"] is not None and \
                not video_repo.exists(conn, user_id, values["video_id"]):
            raise field_error("video_id", "No such video.")
        values = {**values, "camera_key": own_camera_key(conn, user_id, values["camera_key"])}
    try:
        with transaction() as conn:
            run_id = run_repo.create(conn, user_id, values)
            run = run_repo.get(conn, user_id, run_id)
    except sa.exc.IntegrityError:
        with transaction() as conn:
            run = run_repo.get_by_client_id(conn, user_id, values["client_run_id"])
        if run is None:
            raise
        return run, 200
    return run, 201, {"Location": url_for("api_runs.get_run", run_id=run_id)}


@blp.route(f"/<{ID_CONVERTER}:run_id>")
@blp.response(200, RunSchema)
def get_run(run_id: int):
    """One run."""
    with transaction() as conn:
        return owned_run(conn, run_id)


@blp.route(f"/<{ID_CONVERTER}:run_id>", methods=["PATCH"])
@blp.arguments(RunPatchSchema)
@blp.response(200, RunSchema)
def update_run(values, run_id: int):
    """End (or reopen) a run, or change its label."""
    with transaction() as conn:
        run = owned_run(conn, run_id)
        changes = {}
        if "label" in values:
            changes["label"] = values["label"]
        if values.get("ended") is True and run["ended_at"] is None:
            changes["ended_at"] = utcnow()
        elif values.get("ended") is False:
            changes["ended_at"] = None
        run_repo.update(conn, run_id, changes)
        return run_repo.get(conn, current_user_id(), run_id)


def _validate_rows(conn, user_id: int, run_id: int, batch: dict) -> None:
    """Zone links first (a zone's kind needs its id), then the net changes."""
    problems = (ingestion.link_zones(conn, user_id, batch["samples"], batch["events"])
                or ingestion.net_change_problems(conn, run_id, batch["samples"])
                or demographics.cell_problems(conn, run_id, batch.get("demographics", [])))
    if problems:
        ops.record_ingest("rejected")
        raise ApiError(422, "Some fields are not valid; nothing was stored.",
                       "unprocessable_entity", fields=problems)


def _duplicate_answer(user_id: int, run_id: int, batch_key: str,
                      stored: dict | None = None) -> tuple[dict, int]:
    if stored is None:
        with transaction() as conn:
            stored = ingest_repo.find_batch(conn, user_id, batch_key)
    if stored is None:
        raise ApiError(409, "The batch conflicts with a concurrent change; send it again.",
                       "conflict")
    if stored["run_id"] != run_id:
        raise field_error("batch_id", "This batch id was already used for another run.",
                          status=409)
    ops.record_ingest("duplicate")
    return {"batch_id": batch_key, "duplicate": True, "samples": stored["sample_count"],
            "events": stored["event_count"]}, 200


def _is_deadlock(exc: sa.exc.OperationalError) -> bool:
    code = getattr(exc.orig, "args", [None])[0]
    return code in (1205, 1213) or "database is locked" in str(exc.orig)


BATCH_BODY = {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Batch"}}}}


@blp.route(f"/<{ID_CONVERTER}:run_id>/batches", methods=["POST"])
@blp.doc(requestBody=BATCH_BODY)
@blp.response(201, BatchResultSchema)
@blp.alt_response(200, schema=BatchResultSchema, description="Already stored (duplicate)")
@blp.alt_response(422, description="Invalid batch: nothing stored; fields name the bad rows")
def post_batch(run_id: int):
    """Store a batch of per-zone samples and events. Idempotent on batch_id: the same id
    again answers 200 with duplicate=true and changes nothing. An invalid batch is
    rejected whole (422 with field errors)."""
    user_id = current_user_id()
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError(400, "Send the batch as a JSON object.", "bad_request")
    batch = read_batch(body, BatchSchema())
    batch_key = batch["batch_id"]
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with transaction() as conn:
                run, stored, has_open_alert = ingest_repo.run_and_batch(
                    conn, user_id, run_id, batch_key)
                if run is None:
                    raise not_found("run")
                if stored is None:
                    _validate_rows(conn, user_id, run_id, batch)
                    outcome = ingestion.write_batch(
                        conn, user_id=user_id, run_id=run_id, batch_key=batch_key,
                        samples=batch["samples"], events=batch["events"],
                        has_open_alert=has_open_alert)
                    demographics.add_counts(conn, run_id, batch.get("demographics", []))
                    if batch["ends_run"] and run["ended_at"] is None:
                        run_repo.update(conn, run_id, {"ended_at": utcnow()})
            break
        except sa.exc.IntegrityError:
            return _duplicate_answer(user_id, run_id, batch_key)
        except sa.exc.OperationalError as exc:
            if not _is_deadlock(exc) or attempt == DEADLOCK_RETRIES - 1:
                raise
    if stored is not None:
        return _duplicate_answer(user_id, run_id, batch_key, stored)
    _after_write(run, outcome)
    ops.record_ingest("created", len(batch["samples"]), len(batch["events"]))
    return {"batch_id": batch_key, "duplicate": False, "samples": len(batch["samples"]),
            "events": len(batch["events"])}, 201


def _after_write(run: dict, outcome: ingestion.BatchOutcome) -> None:
    now = utcnow()
    if run["last_seen_at"] is None or now - run["last_seen_at"] > TOUCH_EVERY:
        with transaction() as conn:
            run_repo.touch(conn, run["id"], now)
    app = current_app._get_current_object()
    live_bus.publish(app, current_user_id())
    if outcome.deliveries:
        outbox.notify(app)
