"""Opt-in age and gender aggregates of a run or a video (docs/demographics.md): JSON, CSV and
a chart image. Counts only: the browser estimates, the server never sees a face."""
from __future__ import annotations

import io

from flask import Response
from flask_smorest import Blueprint
import marshmallow as ma

from ..db import transaction
from ..services import analytics, csv_export, demographic_charts
from ..services import demographics as service
from .common import ID_CONVERTER, require_user, resolve_timezone
from .runs import owned_run, owned_video_run_ids
from .stats import StatsArgs, _check_range

blp = Blueprint("api_demographics", __name__, url_prefix="/api",
                description="Opt-in age and gender aggregates (counts only)")
blp.before_request(require_user)
CSV_COLUMNS = ["time_utc", "time_local", "run_id", "zone_key", "zone_name", "kind", "gender",
               "age_band", "count"]


class DemographicTotalSchema(ma.Schema):
    zone_key = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "in, out (lines, bands) or enter (zones)"})
    total = ma.fields.Integer()
    by_gender = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    by_age_band = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    no_estimate = ma.fields.Integer(metadata={"description": "counted without an estimate"})


class DemographicBucketSchema(ma.Schema):
    start = ma.fields.String()
    start_local = ma.fields.String()
    zone_key = ma.fields.String()
    kind = ma.fields.String()
    gender = ma.fields.String()
    age_band = ma.fields.String()
    count = ma.fields.Integer()


class DemographicsSchema(ma.Schema):
    counted = ma.fields.Integer()
    no_estimate = ma.fields.Integer()
    totals = ma.fields.List(ma.fields.Nested(DemographicTotalSchema))
    buckets = ma.fields.List(ma.fields.Nested(DemographicBucketSchema))
    bucket = ma.fields.String()
    tz = ma.fields.String()


def _names(conn, run_ids: list[int]) -> dict[str, str]:
    return {row["zone_key"]: row["name"] for row in analytics.zone_rows(conn, run_ids)}


def _build(conn, run_ids: list[int], args: dict, tz) -> dict:
    frame = service.bucket_frame(conn, run_ids, args["bucket"], tz, args["since"],
                                 args["until"])
    totals = service.totals(frame, _names(conn, run_ids))
    return {"counted": sum(row["total"] for row in totals),
            "no_estimate": sum(row["no_estimate"] for row in totals), "totals": totals,
            "buckets": service.bucket_rows(frame, tz), "bucket": args["bucket"],
            "tz": str(tz.key)}


@blp.route(f"/runs/<{ID_CONVERTER}:run_id>/demographics")
@blp.arguments(StatsArgs, location="query")
@blp.response(200, DemographicsSchema)
def run_demographics(args, run_id: int):
    """Counts of one run by gender and age band, per line/zone and kind, in buckets."""
    _check_range(args)
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        owned_run(conn, run_id)
        return _build(conn, [run_id], args, tz)


@blp.route(f"/videos/<{ID_CONVERTER}:video_id>/demographics")
@blp.arguments(StatsArgs, location="query")
@blp.response(200, DemographicsSchema)
def video_demographics(args, video_id: int):
    """Counts of every run of a video by gender and age band."""
    _check_range(args)
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        return _build(conn, owned_video_run_ids(conn, video_id), args, tz)


@blp.route(f"/runs/<{ID_CONVERTER}:run_id>/demographics.csv")
@blp.arguments(StatsArgs, location="query")
@blp.doc(responses={"200": {"description": "CSV file",
                            "content": {"text/csv": {"schema": {"type": "string"}}}}})
def run_demographics_csv(args, run_id: int):
    """CSV of a run's age and gender counts: one row per bucket, line/zone, kind, gender and
    age band (columns time_utc, time_local, run_id, zone_key, zone_name, kind, gender,
    age_band, count)."""
    _check_range(args)
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        owned_run(conn, run_id)
        frame = service.bucket_frame(conn, [run_id], args["bucket"], tz, args["since"],
                                     args["until"])
        names = _names(conn, [run_id])
    out = frame.copy()
    if out.empty:
        out = out.reindex(columns=CSV_COLUMNS)
    else:
        out["time_utc"], out["time_local"] = csv_export.time_columns(out["start"], tz)
        out["run_id"] = run_id
        out["zone_name"] = out["zone_key"].map(lambda key: names.get(key, key))
        for column in ("zone_key", "zone_name"):
            out[column] = csv_export.neutralise_formulas(out[column])
        out = out[CSV_COLUMNS]
    buffer = io.StringIO()
    out.to_csv(buffer, index=False)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="run-{run_id}-demographics-{args["bucket"]}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route(f"/runs/<{ID_CONVERTER}:run_id>/charts/demographics.png")
@blp.arguments(StatsArgs, location="query")
@blp.doc(responses={"200": {"description": "PNG image", "content": {"image/png": {
    "schema": {"type": "string", "format": "binary"}}}}})
def run_demographics_chart(args, run_id: int):
    """Stacked bars of each line's in/out and each zone's entries by gender and age band."""
    _check_range(args)
    tz = resolve_timezone(args["tz"])
    with transaction() as conn:
        owned_run(conn, run_id)
        totals = _build(conn, [run_id], args, tz)["totals"]
    response = Response(demographic_charts.stacked_bars(totals), mimetype="image/png")
    response.headers["Cache-Control"] = "no-cache"
    return response
