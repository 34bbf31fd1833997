"""Operations: /healthz (database check) and Prometheus /metrics (requests by route and
status, request durations, ingested rows, errors).

Metrics live in prometheus_client's default registry. With several worker processes
(gunicorn, deploy/gunicorn.conf.py) PROMETHEUS_MULTIPROC_DIR is set: every worker writes its
values to files there and /metrics sums all workers (tests/production/test_instances.py
checks it with 2 workers). Other parts add their own metrics with counter()/gauge() below;
a gauge says how workers' values combine (multiprocess_mode: livesum, max, ...)."""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter,
                               Gauge, Histogram, generate_latest)

from .db import get_engine

bp = Blueprint("ops", __name__)
METRICS_KEY = "people_counter_metrics"


def _get_or_create(kind, name: str, documentation: str, labels=(), **options):
    """The default registry is process-wide while apps come and go (tests): reuse a
    collector already registered under the name."""
    try:
        return kind(name, documentation, labels, **options)
    except ValueError:
        return REGISTRY._names_to_collectors[name]  # noqa: SLF001 - no public lookup exists


def counter(name: str, documentation: str, labels=()) -> Counter:
    """A counter summed over every worker process."""
    return _get_or_create(Counter, name, documentation, labels)


def gauge(name: str, documentation: str, labels=(), mode: str = "livesum") -> Gauge:
    """A gauge; with several workers `mode` combines their values (livesum: the sum over
    live workers, max, min, mostrecent...; see prometheus_client's multiprocess mode)."""
    return _get_or_create(Gauge, name, documentation, labels, multiprocess_mode=mode)


class Metrics:
    def __init__(self) -> None:
        self.requests = _get_or_create(Counter, "pc_http_requests_total",
                                       "HTTP requests by route, method and status",
                                       ("route", "method", "status"))
        self.duration = _get_or_create(Histogram, "pc_http_request_duration_seconds",
                                       "Time to answer, by route", ("route",))
        self.errors = _get_or_create(Counter, "pc_http_errors_total",
                                     "Error answers by route and class (client: 4xx, "
                                     "server: 5xx)", ("route", "kind"))
        self.ingest_rows = _get_or_create(Counter, "pc_ingest_rows_total",
                                          "Rows written by count ingestion", ("table",))
        self.ingest_batches = _get_or_create(Counter, "pc_ingest_batches_total",
                                             "Count batches by outcome", ("outcome",))


def metrics() -> Metrics:
    return current_app.extensions[METRICS_KEY]


def record_ingest(outcome: str, samples: int = 0, events: int = 0) -> None:
    """outcome: created | duplicate | rejected."""
    collected = metrics()
    collected.ingest_batches.labels(outcome).inc()
    if samples:
        collected.ingest_rows.labels("count_samples").inc(samples)
    if events:
        collected.ingest_rows.labels("count_events").inc(events)


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        with get_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        current_app.logger.warning("Health check failed: %s", exc)
        response = jsonify({"status": "error", "database": "unreachable"})
        response.status_code = 503
        return response
    return jsonify({"status": "ok", "database": "ok"})


@bp.route("/metrics")
def metrics_endpoint():
    registry = REGISTRY
    multiproc_dir = current_app.config.get("PROMETHEUS_MULTIPROC_DIR")
    if multiproc_dir:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiproc_dir)
    return Response(generate_latest(registry) + extra_metrics(), mimetype=CONTENT_TYPE_LATEST)


EXTRA_METRICS_KEY = "people_counter_extra_metrics"


def extra_metrics() -> bytes:
    """Prometheus text of this process's parts that keep their own state (e.g. the camera
    relay's readers), registered as callables in app.extensions[EXTRA_METRICS_KEY]."""
    return b"".join(render() for render in current_app.extensions.get(EXTRA_METRICS_KEY, ()))


def _route() -> str:
    return request.url_rule.rule if request.url_rule is not None else "<unmatched>"


def init_app(app: Flask) -> None:
    app.extensions[METRICS_KEY] = Metrics()
    app.register_blueprint(bp)

    @app.before_request
    def _start_timer():
        g._metrics_started = time.perf_counter()

    @app.after_request
    def _count_request(response):
        collected = app.extensions[METRICS_KEY]
        route = _route()
        collected.requests.labels(route, request.method, str(response.status_code)).inc()
        started = g.get("_metrics_started")
        if started is not None:
            collected.duration.labels(route).observe(time.perf_counter() - started)
        if response.status_code >= 400:
            kind = "server" if response.status_code >= 500 else "client"
            collected.errors.labels(route, kind).inc()
        return response
