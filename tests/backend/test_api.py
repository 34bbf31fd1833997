"""What every API route has in common: a user is needed, CSRF on cookie-authenticated
changes, bearer tokens, the JSON error shape of validation errors, the OpenAPI document and
its docs page."""
from __future__ import annotations

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
    ("get", "/api/profile"), ("put", "/api/profile"), ("get", "/api/tokens"),
    ("post", "/api/tokens"), ("get", "/api/tokens/1"), ("delete", "/api/tokens/1"),
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
            "<zone_id>", "<id>").replace("<run_id>", "<id>").replace(
            "<token_id>", "<id>") == template
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


def test_docs_page_gives_groups_and_operations_human_titles(client):
    """No raw blueprint names ("api_me", "api_videos") as titles: every group has a title of
    words, and every operation a title before its method and path."""
    import re

    from backend.api.docs import TAG_TITLES

    text = client.get("/api/docs").get_data(as_text=True)
    headings = re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", text)
    assert headings and not [h for h in headings if h.startswith("api_") or "_" in h]
    assert "Your account" in headings and "Counting sessions" in headings
    assert set(TAG_TITLES.values()) <= set(headings)
    titles = re.findall(r"<summary><strong>([^<]+)</strong> <code>", text)
    assert len(titles) == text.count('<details class="api-doc-op">') and all(titles)
    assert "Store a batch of per-zone samples and events" in titles
