"""The JSON API under /api: a flask-smorest Api (OpenAPI at /api/openapi.json, docs page at
/api/docs) with one blueprint module per resource. Errors are answered by backend/errors.py."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from .common import ErrorSchema

API_EXTENSION_KEY = "people_counter_api"


class PeopleCounterApi(Api):
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_error_handlers(self):
        """backend/errors.py already answers every error as {"error", "message", "fields"}."""


def _configure(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "People Counter API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": (
            "Profile, API tokens, videos, zones, counting runs, idempotent count ingestion, "
            "statistics, CSV, charts, alerts and a live stream. Authenticate with the session "
            "cookie plus the X-CSRF-Token header, or with Authorization: Bearer <token>. "
            "Times are ISO 8601 UTC with Z.")},
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            "csrfHeader": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
        }},
        "security": [{"bearerAuth": []}, {"sessionCookie": [], "csrfHeader": []}],
    })


def init_app(app: Flask) -> None:
    from . import (alerts, cameras, charts, demographics, docs, exports, live, me, profile,
                   runs, stats, tokens, videos, webhooks, zones)

    _configure(app)
    api = PeopleCounterApi(app)
    # The ingest route reads its body with a fast parser; the schema is documented here.
    api.spec.components.schema("Batch", schema=runs.BatchSchema)
    for module in (me, profile, tokens, videos, zones, webhooks, runs, stats, exports, charts,
                   alerts, live, cameras, demographics):
        api.register_blueprint(module.blp)
    cameras.init_app(app)
    app.register_blueprint(docs.bp)
    app.extensions[API_EXTENSION_KEY] = api
