"""API tokens: create (secret shown once, only a hash stored), use as Bearer, list, revoke,
expiry, and per-user authorisation."""
from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from backend.db import transaction
from backend.schema import api_tokens
from tests.backend.conftest import csrf_from

TOKEN_FORMAT = re.compile(r"^pc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")


def token_rows(app) -> list[dict]:
    with app.app_context(), transaction() as conn:
        return [dict(row) for row in conn.execute(
            sa.select(api_tokens).order_by(api_tokens.c.id)).mappings()]


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def alice(client, auth):
    auth.register("alice")
    auth.login()
    return client


# ---------- the page ----------

def test_page_creates_a_token_and_shows_the_secret_once(app, alice):
    response = alice.post("/tokens", data={"name": "nightly export", "lifetime_days": "30",
                                           "csrf_token": csrf_from(alice, "/tokens")})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    secret = re.search(r'value="([^"]+)" id="new-token-secret"', page).group(1)
    assert TOKEN_FORMAT.match(secret)
    assert "shown <strong>only once</strong>" in page
    [row] = token_rows(app)
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row)
    assert secret.startswith(f"pc_{row['prefix']}_")
    listing = alice.get("/tokens").get_data(as_text=True)
    assert secret not in listing
    assert "nightly export" in listing and f"pc_{row['prefix']}_" in listing
    assert (row["expires_at"] - row["created_at"]).days == 30


@pytest.mark.parametrize(("name", "lifetime", "message"), [
    ("", "30", "Give the token a name"),
    ("x" * 81, "30", "A name has at most 80 characters."),
    ("ok", "0", "from 1 to 365, or never"),
    ("ok", "366", "from 1 to 365, or never"),
    ("ok", "soon", "from 1 to 365, or never"),
])
def test_page_rejects_bad_input_and_writes_nothing(app, alice, name, lifetime, message):
    response = alice.post("/tokens", data={"name": name, "lifetime_days": lifetime,
                                           "csrf_token": csrf_from(alice, "/tokens")})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'data-testid="new-token"' not in page
    assert token_rows(app) == []


def test_page_revokes_a_token(app, alice, auth):
    secret = auth.create_token("cron")
    token_id = token_rows(app)[0]["id"]
    response = alice.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(alice)})
    assert response.status_code == 302
    page = alice.get("/tokens").get_data(as_text=True)
    assert "is revoked" in page and ">revoked<" in page
    assert alice.get("/api/profile", headers=bearer(secret)).status_code == 401


def test_tokens_page_needs_login(client):
    assert client.get("/tokens").status_code == 302


# ---------- bearer authentication ----------

def test_a_token_authenticates_api_calls_and_needs_no_csrf(app, client, auth):
    auth.register("alice")
    auth.login()
    secret = auth.create_token("script")
    auth.logout()
    script = app.test_client()  # no cookie, no CSRF token: only the bearer header
    response = script.get("/api/profile", headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["username"] == "alice"
    response = script.put("/api/profile", json={"place": "Turin"}, headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["place"] == "Turin"
    assert token_rows(app)[0]["last_used_at"] is not None


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "bearer pc_00000000_x"])
def test_unknown_tokens_are_refused(app, alice, header):
    response = app.test_client().get("/api/profile", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"] in ("invalid_token", "unauthorized")


def test_an_expired_token_is_refused(app, alice, make_token):
    expired = make_token("alice", lifetime_days=-1)
    response = app.test_client().get("/api/profile", headers=bearer(expired))
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid_token",
                                   "message": "The API token is unknown, revoked or expired."}
    listed = alice.get("/api/tokens").get_json()["items"]
    assert [token["status"] for token in listed] == ["expired"]


def test_a_token_without_expiry_works(app, alice, make_token):
    forever = make_token("alice", lifetime_days=None)
    assert app.test_client().get("/api/profile", headers=bearer(forever)).status_code == 200


# ---------- JSON API ----------

def test_api_create_list_get_and_revoke(app, alice):
    csrf = {"X-CSRF-Token": csrf_from(alice)}
    response = alice.post("/api/tokens", json={"name": "uploader", "lifetime_days": None},
                          headers=csrf)
    assert response.status_code == 201
    created = response.get_json()
    assert TOKEN_FORMAT.match(created["secret"])
    assert created["name"] == "uploader" and created["expires_at"] is None
    assert created["status"] == "active"
    assert created["prefix"] == created["secret"][:11]
    assert response.headers["Location"] == f"/api/tokens/{created['id']}"
    assert created["created_at"].endswith("Z")

    fetched = alice.get(response.headers["Location"]).get_json()
    assert "secret" not in fetched and fetched["id"] == created["id"]
    listed = alice.get("/api/tokens").get_json()["items"]
    assert [token["id"] for token in listed] == [created["id"]]
    assert "secret" not in listed[0]

    assert app.test_client().get("/api/profile", headers=bearer(created["secret"])).status_code == 200
    assert alice.delete(f"/api/tokens/{created['id']}", headers=csrf).status_code == 204
    assert app.test_client().get("/api/profile", headers=bearer(created["secret"])).status_code == 401
    assert alice.get("/api/tokens").get_json()["items"][0]["status"] == "revoked"


def test_api_create_uses_the_default_lifetime(app, alice):
    response = alice.post("/api/tokens", json={"name": "default"},
                          headers={"X-CSRF-Token": csrf_from(alice)})
    assert response.status_code == 201
    row = token_rows(app)[0]
    assert (row["expires_at"] - row["created_at"]).days == app.config["API_TOKEN_DEFAULT_DAYS"]


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"name": ["Give the token a name, such as the script that will use it."]}),
    ({"name": 7}, {"name": ["The name must be text."]}),
    ({"name": "x", "lifetime_days": 0},
     {"lifetime_days": ["The lifetime is a whole number of days from 1 to 365, or never."]}),
    ({"name": "x", "lifetime_days": 366},
     {"lifetime_days": ["The lifetime is a whole number of days from 1 to 365, or never."]}),
    ({"name": "x", "lifetime_days": 1.5},
     {"lifetime_days": ["The lifetime is a whole number of days from 1 to 365, or never."]}),
    ({"name": "x", "lifetime_days": True},
     {"lifetime_days": ["The lifetime is a whole number of days from 1 to 365, or never."]}),
    ({"name": "x", "scope": "all"}, {"scope": ["Unknown field."]}),
])
def test_api_create_validation_lists_fields_and_writes_nothing(app, alice, body, fields):
    response = alice.post("/api/tokens", json=body, headers={"X-CSRF-Token": csrf_from(alice)})
    assert response.status_code == 400
    assert response.get_json() == {"error": "validation_failed",
                                   "message": "Some fields are not valid.", "fields": fields}
    assert token_rows(app) == []


def test_api_create_with_session_needs_csrf(app, alice):
    response = alice.post("/api/tokens", json={"name": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "csrf_failed"
    assert token_rows(app) == []


def test_a_token_cannot_create_or_revoke_tokens(app, alice, make_token):
    secret = make_token("alice")
    script = app.test_client()
    response = script.post("/api/tokens", json={"name": "more"}, headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["error"] == "session_required"
    token_id = token_rows(app)[0]["id"]
    assert script.delete(f"/api/tokens/{token_id}", headers=bearer(secret)).status_code == 403
    assert len(token_rows(app)) == 1 and token_rows(app)[0]["revoked_at"] is None
    # Reading the list is allowed.
    assert script.get("/api/tokens", headers=bearer(secret)).status_code == 200


def test_another_users_token_is_a_404(app, client, auth, make_token):
    auth.register("alice")
    auth.register("bob")
    alice_secret = make_token("alice")
    alice_token_id = token_rows(app)[0]["id"]
    auth.login("bob")
    csrf = {"X-CSRF-Token": csrf_from(client)}
    assert client.delete(f"/api/tokens/{alice_token_id}", headers=csrf).status_code == 404
    assert client.get(f"/api/tokens/{alice_token_id}").status_code == 404
    assert client.get("/api/tokens").get_json() == {"items": []}
    response = client.post(f"/tokens/{alice_token_id}/revoke",
                           data={"csrf_token": csrf["X-CSRF-Token"]})
    assert response.status_code == 404
    assert token_rows(app)[0]["revoked_at"] is None
    assert app.test_client().get("/api/profile", headers=bearer(alice_secret)).status_code == 200


def test_deleting_an_unknown_token_is_a_404(alice):
    response = alice.delete("/api/tokens/999999", headers={"X-CSRF-Token": csrf_from(alice)})
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
