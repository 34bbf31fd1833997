"""PNG charts of a run at stable URLs: cumulative.png, occupancy.png, hourly.png."""
from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from ..db import transaction
from ..repositories import stats as stats_repo
from ..services import analytics, charts
from ..services.buckets import BUCKETS
from .common import ID_CONVERTER, TimeZoneArgs, require_user, resolve_timezone
from .runs import owned_run

blp = Blueprint("api_charts", __name__, url_prefix="/api/runs",
                description="Chart images (PNG, matplotlib)")
blp.before_request(require_user)
PNG_DOC = {"200": {"description": "PNG image",
                   "content": {"image/png": {"schema": {"type": "string",
                                                        "format": "binary"}}}}}
SIX_HOURS, THREE_DAYS = 6 * 3600, 3 * 86400


class ChartArgs(TimeZoneArgs):
    bucket = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(BUCKETS)),
                              metadata={"description": "Default: chosen from the run's span"})


def _auto_bucket(conn, run_id: int) -> str:
    """1m for runs up to 6 h, 15m up to 3 days, else 1h."""
    summaries = stats_repo.zone_summaries(conn, [run_id])
    run = owned_run(conn, run_id)
    last = max((z["last_ts"] for z in summaries.values() if z["last_ts"]), default=None)
    if last is None:
        return "1m"
    span = (last - run["started_at"]).total_seconds()
    return "1m" if span <= SIX_HOURS else "15m" if span <= THREE_DAYS else "1h"


def _data(args, run_id: int, bucket: str | None = None):
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        owned_run(conn, run_id)
        chosen = bucket or args["bucket"] or _auto_bucket(conn, run_id)
        frame = analytics.bucket_frame(conn, [run_id], chosen, tz)
        names = {z["zone_key"]: z["name"] for z in analytics.zone_rows(conn, [run_id])}
    return frame, names, tz


def _png(data: bytes) -> Response:
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.route(f"/<{ID_CONVERTER}:run_id>/charts/cumulative.png")
@blp.arguments(ChartArgs, location="query")
@blp.doc(responses=PNG_DOC)
def cumulative_chart(args, run_id: int):
    """Cumulative entries and exits per zone or line."""
    frame, names, tz = _data(args, run_id)
    return _png(charts.cumulative(frame, names, tz))


@blp.route(f"/<{ID_CONVERTER}:run_id>/charts/occupancy.png")
@blp.arguments(ChartArgs, location="query")
@blp.doc(responses=PNG_DOC)
def occupancy_chart(args, run_id: int):
    """Average and maximum occupancy per zone over time."""
    frame, names, tz = _data(args, run_id)
    return _png(charts.occupancy(frame, names, tz))


@blp.route(f"/<{ID_CONVERTER}:run_id>/charts/hourly.png")
@blp.arguments(ChartArgs, location="query")
@blp.doc(responses=PNG_DOC)
def hourly_chart(args, run_id: int):
    """Entries and exits by hour of the local day."""
    frame, _, tz = _data(args, run_id, bucket="1h")
    return _png(charts.hourly(frame, tz))
