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


class ChartArgs(TimeZoneArgs):
    bucket = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(BUCKETS)),
                              metadata={"description": "Default: a step that fits the run's "
                                        "span (1 s for two minutes ... 1 h beyond 3 days)"})


def _data(args, run_id: int, bucket: str | None = None):
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        run = owned_run(conn, run_id)
        frame = analytics.chart_frame(conn, [run_id], tz, bucket or args["bucket"])
        keys = {z["zone_key"]: {"name": z["name"], "figure": z["figure"]}
                for z in analytics.zone_rows(conn, [run_id])}
        _, last = stats_repo.time_span(conn, [run_id])
    return frame, keys, tz, run.get("ended_at") and last


def _png(data: bytes) -> Response:
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.route(f"/<{ID_CONVERTER}:run_id>/charts/cumulative.png")
@blp.arguments(ChartArgs, location="query")
@blp.doc(responses=PNG_DOC)
def cumulative_chart(args, run_id: int):
    """Cumulative line in / out and zone entered / left."""
    frame, keys, tz, last = _data(args, run_id)
    return _png(charts.cumulative(frame, keys, tz, last or None))


@blp.route(f"/<{ID_CONVERTER}:run_id>/charts/occupancy.png")
@blp.arguments(ChartArgs, location="query")
@blp.doc(responses=PNG_DOC)
def occupancy_chart(args, run_id: int):
    """Average and maximum occupancy per zone (and people in view) over time."""
    frame, keys, tz, _ = _data(args, run_id)
    return _png(charts.occupancy(frame, keys, tz))


@blp.route(f"/<{ID_CONVERTER}:run_id>/charts/hourly.png")
@blp.arguments(ChartArgs, location="query")
@blp.doc(responses=PNG_DOC)
def hourly_chart(args, run_id: int):
    """Line in / out and zone entered / left by hour of the local day."""
    frame, keys, tz, _ = _data(args, run_id, bucket="1h")
    return _png(charts.hourly(frame, keys, tz))
