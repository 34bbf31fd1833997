"""Stats of a run or of a video (all its runs): per-zone totals and local-time buckets."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from ..db import transaction
from ..services import analytics
from ..services.buckets import BUCKETS
from .common import (ID_CONVERTER, TimeZoneArgs, UtcTime, field_error, require_user,
                     resolve_timezone)
from .runs import RunSchema, owned_run, owned_video_run_ids

blp = Blueprint("api_stats", __name__, url_prefix="/api",
                description="Line in / out, zone entered / left, occupancy, dwell and time buckets")
blp.before_request(require_user)


class StatsArgs(TimeZoneArgs):
    bucket = ma.fields.String(load_default="15m", validate=ma.validate.OneOf(list(BUCKETS)))
    since = UtcTime(load_default=None, data_key="from",
                    metadata={"description": "Only buckets from this time (ISO 8601)"})
    until = UtcTime(load_default=None, data_key="to",
                    metadata={"description": "Only buckets before this time (ISO 8601)"})


FIGURE_DOC = ('"line" (a line or band: line_in / line_out), "zone" (a polygon: zone_entered / '
              'zone_left and occupancy) or "frame" (people in view)')


def _named_figures() -> dict:
    """The four counts, each with one meaning everywhere (docs/usage.md)."""
    return {
        "line_in": ma.fields.Integer(allow_none=True, metadata={
            "description": "People who crossed lines/bands in their 'in' direction, net of "
                           "cancelled crossings"}),
        "line_out": ma.fields.Integer(allow_none=True, metadata={
            "description": "The same in the 'out' direction"}),
        "zone_entered": ma.fields.Integer(allow_none=True, metadata={
            "description": "Visits to polygon zones: people whose foot point came inside"}),
        "zone_left": ma.fields.Integer(allow_none=True, metadata={
            "description": "Of those, the visits that ended (walked out or lost)"}),
    }


class ZoneStatsSchema(ma.Schema.from_dict(_named_figures())):
    zone_key = ma.fields.String()
    zone_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String()
    kind = ma.fields.String(allow_none=True)
    figure = ma.fields.String(allow_none=True, metadata={"description": FIGURE_DOC})
    entries = ma.fields.Integer(metadata={"description": "line_in or zone_entered (by figure)"})
    exits = ma.fields.Integer(metadata={"description": "line_out or zone_left (by figure)"})
    current_occupancy = ma.fields.Integer(allow_none=True)
    peak_occupancy = ma.fields.Integer(allow_none=True)
    avg_dwell_s = ma.fields.Float(allow_none=True)
    samples = ma.fields.Integer()
    events = ma.fields.Integer()
    last_ts = UtcTime(allow_none=True)


class TotalsSchema(ma.Schema.from_dict(_named_figures())):
    runs = ma.fields.Integer()
    peak_occupancy = ma.fields.Integer(allow_none=True, metadata={
        "description": "Most people in one polygon zone at once"})
    peak_in_view = ma.fields.Integer(allow_none=True, metadata={
        "description": "Most people in the whole picture at once"})
    samples = ma.fields.Integer()
    events = ma.fields.Integer()
    alerts = ma.fields.Integer()
    last_sample_at = UtcTime(allow_none=True)


class BucketSchema(ma.Schema.from_dict(_named_figures())):
    start = ma.fields.String(metadata={"description": "Bucket start, ISO 8601 UTC"})
    start_local = ma.fields.String(metadata={"description": "Bucket start with local offset"})
    zone_key = ma.fields.String()
    figure = ma.fields.String(allow_none=True, metadata={"description": FIGURE_DOC})
    entries = ma.fields.Integer()
    exits = ma.fields.Integer()
    avg_occupancy = ma.fields.Float(allow_none=True)
    max_occupancy = ma.fields.Integer(allow_none=True)


class StatsSchema(ma.Schema):
    totals = ma.fields.Nested(TotalsSchema)
    zones = ma.fields.List(ma.fields.Nested(ZoneStatsSchema))
    buckets = ma.fields.List(ma.fields.Nested(BucketSchema))
    bucket = ma.fields.String()
    tz = ma.fields.String()


class RunStatsSchema(StatsSchema):
    run = ma.fields.Nested(RunSchema)


class VideoStatsSchema(StatsSchema):
    video_id = ma.fields.Integer()


def _check_range(args: dict) -> None:
    if args["since"] and args["until"] and args["since"] >= args["until"]:
        raise field_error("to", "Must be after 'from'.")


@blp.route(f"/runs/<{ID_CONVERTER}:run_id>/stats")
@blp.arguments(StatsArgs, location="query")
@blp.response(200, RunStatsSchema)
def run_stats(args, run_id: int):
    """Stats of one run: totals, per zone/line, and buckets (1m, 15m, 1h, 1d) in the
    user's time zone (or ?tz=)."""
    _check_range(args)
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        run = owned_run(conn, run_id)
        stats = analytics.build(conn, [run_id], args["bucket"], tz, args["since"],
                                args["until"])
    return {"run": run, **stats}


@blp.route(f"/videos/<{ID_CONVERTER}:video_id>/stats")
@blp.arguments(StatsArgs, location="query")
@blp.response(200, VideoStatsSchema)
def video_stats(args, video_id: int):
    """Stats of every run of a video together."""
    _check_range(args)
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        run_ids = owned_video_run_ids(conn, video_id)
        stats = analytics.build(conn, run_ids, args["bucket"], tz, args["since"],
                                args["until"])
    return {"video_id": video_id, **stats}
