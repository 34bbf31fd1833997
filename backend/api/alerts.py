"""Alerts: opened and closed by the alert_start/alert_end events of count batches."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from ..db import transaction
from ..repositories import alerts as alert_repo
from ..repositories import runs as run_repo
from ..repositories import zones as zone_repo
from .common import (PageArgs, QueryId, UtcTime, current_user_id, not_found, page_envelope,
                     require_user)

blp = Blueprint("api_alerts", __name__, url_prefix="/api/alerts",
                description="Occupancy alerts (list and filters)")
blp.before_request(require_user)


class AlertArgs(PageArgs):
    run_id = QueryId(load_default=None)
    zone_id = QueryId(load_default=None)
    active = ma.fields.Boolean(load_default=None,
                               metadata={"description": "true: still open; false: ended"})
    since = UtcTime(load_default=None, metadata={"description": "Started at or after"})


class AlertSchema(ma.Schema):
    id = ma.fields.Integer()
    run_id = ma.fields.Integer()
    zone_id = ma.fields.Integer(allow_none=True)
    zone_key = ma.fields.String()
    zone_name = ma.fields.String(allow_none=True)
    started_at = UtcTime()
    ended_at = UtcTime(allow_none=True)
    threshold = ma.fields.Integer(allow_none=True)
    peak_occupancy = ma.fields.Integer(allow_none=True)
    webhook_status = ma.fields.String(allow_none=True)


class AlertPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AlertSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


@blp.route("")
@blp.arguments(AlertArgs, location="query")
@blp.response(200, AlertPageSchema)
def list_alerts(args):
    """The user's alerts, newest first; filter by run, zone, open/ended, start time. Another
    user's (or no) run or zone in a filter is a 404, as everywhere."""
    user_id = current_user_id()
    with transaction() as conn:
        if args["run_id"] is not None and run_repo.get(conn, user_id, args["run_id"]) is None:
            raise not_found("run")
        if args["zone_id"] is not None and zone_repo.get(conn, user_id, args["zone_id"]) is None:
            raise not_found("zone")
        items, total = alert_repo.list_page(
            conn, current_user_id(), args["page"], args["per_page"], run_id=args["run_id"],
            zone_id=args["zone_id"], active=args["active"], since=args["since"])
    return page_envelope(items, args["page"], args["per_page"], total)
