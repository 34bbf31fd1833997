"""Holes found by probing the running app (issue 10), accounts side: bearer tokens on HTML
forms, the login throttle under concurrency, JSON bodies that crashed views, headers (CSP,
framing, 416), sessions of anonymous visitors, and settings that do nothing."""
from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.config import REPO_ROOT, Config
from backend.db import transaction
from backend.schema import users
from backend.security import needs_session
from tests.backend.conftest import (DEFAULT_PASSWORD, bearer, csrf_from, make_user,
                                    stored_profile, token_rows)

JSON_WRITES = [("post", "/api/zones"), ("put", "/api/zones/1"), ("post", "/api/runs"),
               ("patch", "/api/runs/1"), ("post", "/api/runs/1/batches"),
               ("put", "/api/profile"), ("post", "/api/tokens")]


def password_hash(app, username: str) -> str:
    with app.app_context(), transaction() as conn:
        return conn.execute(sa.select(users.c.password_hash)
                            .where(users.c.username == username)).scalar_one()


# ---------- 1. a bearer token is not a browser session ----------

def test_a_bearer_token_cannot_use_the_html_forms(app, auth, make_token):
    auth.register("alice")
    secret = make_token("alice")
    token_id = token_rows(app)[0]["id"]
    before = password_hash(app, "alice")
    script = app.test_client()
    minted = script.post("/tokens", data={"name": "forever", "lifetime_days": "never"},
                         headers=bearer(secret))
    revoked = script.post(f"/tokens/{token_id}/revoke", headers=bearer(secret))
    changed = script.post("/auth/password", headers=bearer(secret), data={
        "current_password": DEFAULT_PASSWORD, "new_password": "an0ther Secret phrase",
        "confirm": "an0ther Secret phrase"})
    for response in (minted, revoked, changed):
        assert response.status_code in (302, 400, 401), response.status_code
    rows = token_rows(app)
    assert len(rows) == 1 and rows[0]["revoked_at"] is None
    assert password_hash(app, "alice") == before
    # On /api/ the same token works.
    assert script.get("/api/profile", headers=bearer(secret)).status_code == 200


def test_token_changes_need_a_session_wherever_the_routes_live():
    assert needs_session("POST", "/api/tokens")
    assert needs_session("DELETE", "/api/tokens/5")
    assert needs_session("PATCH", "/api/tokens/5/anything")
    assert not needs_session("GET", "/api/tokens")
    assert not needs_session("PUT", "/api/profile")
    assert not needs_session("POST", "/api/tokensmith")


# ---------- 3. the login throttle under concurrent attempts ----------

def test_concurrent_wrong_passwords_are_verified_at_most_the_limit(app, auth):
    auth.register("alice")
    limit = app.config["LOGIN_MAX_FAILURES"]
    clients = [app.test_client() for _ in range(12)]
    tokens = [csrf_from(client, "/auth/login") for client in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def attempt(client, token):
        barrier.wait()
        response = client.post("/auth/login", data={
            "username": "alice", "password": "wrong password 1", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(set(statuses)) <= [401, 429] and len(statuses) == 12
    assert statuses.count(401) <= limit, statuses
    # Refused attempts are not counted: the account is locked once `limit` were verified.
    verified = statuses.count(401)
    assert auth.login("alice").status_code == (429 if verified == limit else 302)


# ---------- 4. JSON bodies that crashed views ----------

@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deeply_nested_json_is_a_400_on_every_json_write_route(client, auth, opening):
    auth.register("alice")
    auth.login("alice")
    headers = {"X-CSRF-Token": csrf_from(client), "Content-Type": "application/json"}
    body = opening * 100_000
    for method, path in JSON_WRITES:
        response = getattr(client, method)(path, data=body, headers=headers)
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["error"] in ("invalid_json", "bad_request"), path


ZONE = {"name": "Door", "kind": "line", "camera_key": "cam", "frame_width": 100,
        "frame_height": 100, "geometry": {"points": [[0, 0], [50, 50]], "flipped": False}}


# Malformed JSON (above) and text that is not text (a lone surrogate: valid JSON, but nothing
# UTF-8 or either database can store) are a 400 naming the field, before any view runs; a NUL
# is field validation like every other bad field: a 422 naming the field (docs/api.md).
@pytest.mark.parametrize("method, path, body, field, status", [
    ("put", "/api/profile", {"place": "Berlin \ud800"}, "place", 400),
    ("put", "/api/profile", {"gender": "self_described", "gender_self_described": "x\udfff"},
     "gender_self_described", 400),
    ("put", "/api/profile", {"place": "Ber\x00lin"}, "place", 422),
    ("post", "/api/zones", {**ZONE, "name": "Door \ud800"}, "name", 400),
    ("post", "/api/zones", {**ZONE, "name": "Door\x00"}, "name", 422),
    ("post", "/api/zones", {**ZONE, "camera_key": "cam\ud800"}, "camera_key", 400),
    ("post", "/api/runs", {"client_run_id": "r1", "source_kind": "webcam",
                           "label": "\udfffrun"}, "label", 400),
    ("post", "/api/runs", {"client_run_id": "r\ud800", "source_kind": "webcam"},
     "client_run_id", 400),
])
def test_lone_surrogates_are_a_400_and_nul_a_422_naming_the_field(app, method, path, body,
                                                                  field, status):
    user = make_user(app)
    response = getattr(user, method)(path, json=body)
    assert response.status_code == status, response.get_json()
    expected_error = "invalid_text" if status == 400 else "unprocessable_entity"
    assert response.get_json()["error"] == expected_error
    assert field in response.get_json()["fields"]
    assert user.get("/api/profile").get_json()["place"] is None
    assert user.get("/api/zones").get_json()["items"] == []
    assert user.get("/api/runs").get_json()["items"] == []


def test_lone_surrogates_and_nul_in_a_token_name_are_refused(app, client, auth):
    auth.register("alice")
    auth.login("alice")
    csrf = {"X-CSRF-Token": csrf_from(client)}
    for name, status in (("script \ud800", 400), ("script\x00", 422)):
        response = client.post("/api/tokens", json={"name": name}, headers=csrf)
        assert response.status_code == status
        assert "name" in response.get_json()["fields"]
    page = client.post("/tokens", data={"name": "a\x00b", "csrf_token": csrf["X-CSRF-Token"]})
    assert page.status_code == 400
    assert token_rows(app) == []


def test_nul_is_refused_on_the_profile_page_like_in_the_api(app, client, auth):
    auth.register("alice")
    auth.login("alice")
    page = client.post("/profile", data={"place": "Ber\x00lin", "timezone": "UTC",
                                         "csrf_token": csrf_from(client)})
    assert page.status_code == 400
    assert stored_profile(app)["place"] is None


def test_paired_surrogates_are_ordinary_text(app):
    user = make_user(app)
    response = user.client.put("/api/profile", data='{"place": "Caf\\ud83d\\ude00"}',
                               headers={"Authorization": f"Bearer {user.token}",
                                        "Content-Type": "application/json"})
    assert response.status_code == 200 and response.get_json()["place"] == "Caf\U0001F600"


# ---------- 5. full matches in account validation ----------

def test_a_trailing_newline_is_not_a_valid_username_or_email():
    from backend.validation import email_problems, username_problems

    assert username_problems("alice\n") and not username_problems("alice")
    assert email_problems("a@example.com\n") and not email_problems("a@example.com")


# ---------- 8 and 10. headers, anonymous sessions, settings ----------

@pytest.mark.parametrize("path", ["/", "/auth/login", "/tokens", "/profile"])
def test_pages_forbid_framing_and_send_a_content_security_policy(client, path):
    response = client.get(path)
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    assert "script-src 'self'" in policy and "'wasm-unsafe-eval'" in policy
    assert response.headers.get("X-Frame-Options") == "DENY"


def test_templates_have_no_inline_scripts():
    templates = Path(REPO_ROOT, "frontend", "templates")
    for template in templates.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            assert "src=" in tag or "application/json" in tag, (template, tag)
        assert not re.search(r"\son[a-z]+=\"", template.read_text()), template


def test_a_cookieless_visitor_stores_no_session(app, client):
    sessions = Path(app.config["SESSION_DIR"])

    def stored() -> int:
        return len(list(sessions.glob("*"))) if sessions.exists() else 0

    for path in ("/", "/api/docs", "/no-such-page", "/healthz"):
        response = app.test_client().get(path)
        assert "Set-Cookie" not in response.headers, path
    assert stored() == 0
    client.get("/auth/login")  # a page with a CSRF-bearing form may start one
    assert stored() == 1


def test_a_416_answer_keeps_its_content_range(app):
    user = make_user(app)
    clip = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 1000  # an MP4 by its first bytes
    uploaded = user.post("/api/videos", data={"file": (io.BytesIO(clip), "clip.mp4")},
                         content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    video_id = uploaded.get_json()["id"]
    outside = user.get(f"/api/videos/{video_id}/content",
                       headers={"Range": f"bytes={len(clip) + 10}-"})
    assert outside.status_code == 416
    assert outside.headers["Content-Range"] == f"bytes */{len(clip)}"


FLASK_SETTINGS = {"SECRET_KEY", "MAX_CONTENT_LENGTH", "TESTING", "PERMANENT_SESSION_LIFETIME"}


def test_every_documented_setting_does_something():
    """A variable in README's configuration table is read by config.py, and a setting of
    the same name is used by the app (CORS_ORIGINS was documented but did nothing)."""
    readme = Path(REPO_ROOT, "README.md").read_text()
    config_source = Path(REPO_ROOT, "backend", "config.py").read_text()
    settings = Config().as_dict()
    app_source = "\n".join(path.read_text() for path in Path(REPO_ROOT, "backend").rglob("*.py")
                           if path.name != "config.py")
    for name in re.findall(r"^\| `([A-Z_]+)`", readme, flags=re.M):
        assert f'"{name}"' in config_source, name
        if name in settings and name not in FLASK_SETTINGS and \
                not name.startswith("SESSION_COOKIE"):
            assert name in app_source, f"{name} is documented but nothing uses it"
