"""Shared helpers of the API tests (ApiUser, make_user, ...) and the tests of what every API
route has in common: authentication, CSRF, JSON errors, OpenAPI, docs, health, metrics."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from backend.db import transaction
from backend.repositories import users as user_repo
from backend.schema import users
from backend.security import hash_password
from backend.tokens import issue_token

PASSWORD = "correct horse battery"


class ApiUser:
    """A test client authenticated with a bearer token."""

    def __init__(self, app, user_id: int, token: str, username: str) -> None:
        self.app = app
        self.id = user_id
        self.token = token
        self.username = username
        self.client = app.test_client()

    def _headers(self, extra=None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)),
                               **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, headers=self._headers(kwargs.pop("headers", None)),
                                **kwargs)

    def put(self, path, **kwargs):
        return self.client.put(path, headers=self._headers(kwargs.pop("headers", None)),
                               **kwargs)

    def patch(self, path, **kwargs):
        return self.client.patch(path, headers=self._headers(kwargs.pop("headers", None)),
                                 **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete(path, headers=self._headers(kwargs.pop("headers", None)),
                                  **kwargs)

    # Shortcuts for the resources most tests need.
    def create_run(self, **values) -> dict:
        body = {"client_run_id": uuid.uuid4().hex, "source_kind": "webcam",
                "camera_key": "front-door", **values}
        response = self.post("/api/runs", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def create_zone(self, **values) -> dict:
        body = {"name": "Entrance", "kind": "polygon", "camera_key": "front-door",
                "frame_width": 640, "frame_height": 480,
                "geometry": {"points": [[10, 10], [200, 10], [200, 200], [10, 200]]},
                **values}
        response = self.post("/api/zones", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def post_batch(self, run_id: int, samples=(), events=(), batch_id: str | None = None):
        return self.post(f"/api/runs/{run_id}/batches", json={
            "batch_id": batch_id or str(uuid.uuid4()), "samples": list(samples),
            "events": list(events)})


def make_user(app, username: str = "alice", timezone_name: str = "UTC") -> ApiUser:
    with app.app_context(), transaction() as conn:
        user_id = user_repo.create(conn, username, f"{username}@example.com",
                                   hash_password(PASSWORD))
        conn.execute(sa.update(users).where(users.c.id == user_id)
                     .values(timezone=timezone_name))
        _, token = issue_token(conn, user_id, "tests", None)
    return ApiUser(app, user_id, token, username)


def ts(base: datetime, seconds: float = 0) -> str:
    return (base + timedelta(seconds=seconds)).astimezone(timezone.utc).isoformat().replace(
        "+00:00", "Z")


def sample(when: str, zone_key: str = "zone-1", occupancy: int = 0, entries: int = 0,
           exits: int = 0, **extra) -> dict:
    return {"ts": when, "zone_key": zone_key, "occupancy": occupancy, "entries": entries,
            "exits": exits, **extra}


def table_count(app, table) -> int:
    with app.app_context(), transaction() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


@pytest.fixture
def alice(app):
    return make_user(app, "alice")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


# ---------------------------------------------------------------------------------------

PROTECTED = [
    ("get", "/api/me"), ("get", "/api/videos"), ("post", "/api/videos"),
    ("get", "/api/videos/1"), ("delete", "/api/videos/1"), ("get", "/api/videos/1/content"),
    ("get", "/api/videos/1/stats"), ("get", "/api/zones"), ("post", "/api/zones"),
    ("get", "/api/zones/1"), ("put", "/api/zones/1"), ("delete", "/api/zones/1"),
    ("get", "/api/runs"), ("post", "/api/runs"), ("get", "/api/runs/1"),
    ("patch", "/api/runs/1"), ("post", "/api/runs/1/batches"), ("get", "/api/runs/1/stats"),
    ("get", "/api/runs/1/export.csv"), ("get", "/api/runs/1/charts/cumulative.png"),
    ("get", "/api/runs/1/charts/occupancy.png"), ("get", "/api/runs/1/charts/hourly.png"),
    ("get", "/api/alerts"), ("get", "/api/runs/1/live"), ("get", "/api/live"),
]


def test_every_api_route_needs_a_user(client):
    """Without any credentials every route answers 401, changes included."""
    for method, path in PROTECTED:
        response = getattr(client, method)(path)
        assert (response.status_code, response.get_json()["error"]) == (401, "unauthorized"), \
            (method, path)


def test_openapi_document_lists_every_route(client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {(method, path.replace("{", "<").replace("}", ">"))
                  for path, item in spec["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    for method, path in PROTECTED:
        template = path.replace("/1", "/<id>")
        assert any(m == method and p.replace("<video_id>", "<id>").replace(
            "<zone_id>", "<id>").replace("<run_id>", "<id>") == template
            for m, p in documented), (method, path)
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_docs_page_lists_operations_without_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "/api/runs/{run_id}/batches" in text and "/api/openapi.json" in text
    assert "cdn" not in text.lower() and "unpkg" not in text.lower()


def test_me_with_a_bearer_token(alice):
    body = alice.get("/api/me").get_json()
    assert body["username"] == "alice" and body["auth_method"] == "token"


def test_unknown_token_is_rejected(client):
    response = client.get("/api/me", headers={"Authorization": "Bearer pc_nope"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"


def test_session_needs_the_csrf_header_for_changes(app, alice):
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = alice.id
        session["csrf_token"] = "t"
    assert client.get("/api/me").get_json()["auth_method"] == "session"
    body = {"client_run_id": "run-1", "source_kind": "webcam"}
    refused = client.post("/api/runs", json=body)
    assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_failed"
    accepted = client.post("/api/runs", json=body, headers={"X-CSRF-Token": "t"})
    assert accepted.status_code == 201


def test_validation_errors_name_each_bad_field(alice):
    response = alice.post("/api/runs", json={"source_kind": "tape", "label": 5})
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["fields"]) == {"client_run_id", "source_kind", "label"}
    assert body["error"] == "unprocessable_entity" and body["message"]


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
