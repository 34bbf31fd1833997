"""backend/ops.py: the health check and the Prometheus metrics."""
from __future__ import annotations

from tests.backend.conftest import sample


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_metrics_count_requests_and_ingested_rows(alice, client):
    run = alice.create_run()
    alice.post_batch(run["id"], samples=[sample("2026-01-01T00:00:00Z", occupancy=1)])
    alice.get("/api/runs/999999")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'pc_http_requests_total{method="POST",route="/api/runs/<int(max=' in text
    assert 'status="404"' in text
    assert 'pc_ingest_rows_total{table="count_samples"}' in text
    assert 'pc_http_errors_total{kind="client"' in text
