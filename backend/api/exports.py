"""CSV export of a run: one row per zone per bucket, or the raw events or samples."""
from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app
from flask_smorest import Blueprint

from ..db import get_engine, transaction
from ..services import analytics, csv_export
from ..services.buckets import BUCKETS
from .common import ID_CONVERTER, TimeZoneArgs, require_user, resolve_timezone
from .runs import owned_run

blp = Blueprint("api_exports", __name__, url_prefix="/api/runs",
                description="CSV downloads (streamed)")
blp.before_request(require_user)


class ExportArgs(TimeZoneArgs):
    kind = ma.fields.String(load_default="buckets",
                            validate=ma.validate.OneOf(["buckets", "events", "samples"]))
    bucket = ma.fields.String(load_default="15m", validate=ma.validate.OneOf(list(BUCKETS)))


@blp.route(f"/<{ID_CONVERTER}:run_id>/export.csv")
@blp.arguments(ExportArgs, location="query")
@blp.doc(responses={"200": {"description": "CSV file",
                            "content": {"text/csv": {"schema": {"type": "string"}}}}})
def export_csv(args, run_id: int):
    """CSV of a run: ?kind=buckets (default; one row per zone per ?bucket=), events or
    samples (raw rows). Columns include time_utc (ISO 8601, Z) and time_local."""
    tz = resolve_timezone(args["tz"])
    kind = args["kind"]
    with transaction() as conn:
        owned_run(conn, run_id)
        zones = analytics.zone_rows(conn, [run_id])
        if kind == "buckets":
            frame = analytics.bucket_frame(conn, [run_id], args["bucket"], tz)
    chunk_rows = int(current_app.config["EXPORT_CHUNK_ROWS"])
    if kind == "buckets":
        body = csv_export.buckets_csv(frame, zones, run_id, tz, chunk_rows)
        filename = f"run-{run_id}-{args['bucket']}.csv"
    else:
        body = csv_export.raw_csv(get_engine(), kind, run_id, tz, chunk_rows,
                                  {zone["zone_key"]: zone["name"] for zone in zones})
        filename = f"run-{run_id}-{kind}.csv"
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
