"""API tokens: the /tokens page (create with the secret shown once and only a hash stored,
list, revoke) and using a token as Authorization: Bearer (expiry, revocation)."""
from __future__ import annotations

import hashlib
import re

import pytest

from tests.backend.conftest import bearer, csrf_from, token_rows

TOKEN_FORMAT = re.compile(r"pc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


# ---------- the page ----------

def test_page_creates_a_token_and_shows_the_secret_once(app, signed_in):
    response = signed_in.post("/tokens", data={
        "name": "nightly export", "lifetime_days": "30",
        "csrf_token": csrf_from(signed_in, "/tokens")})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    secret = re.search(r'value="([^"]+)" id="new-token-secret"', page).group(1)
    assert TOKEN_FORMAT.fullmatch(secret)
    assert "shown <strong>only once</strong>" in page
    [row] = token_rows(app)
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row)
    assert secret.startswith(f"pc_{row['prefix']}_")
    listing = signed_in.get("/tokens").get_data(as_text=True)
    assert secret not in listing
    assert "nightly export" in listing and f"pc_{row['prefix']}_" in listing
    assert (row["expires_at"] - row["created_at"]).days == 30


@pytest.mark.parametrize("form", [{}, {"lifetime_days": ""}, {"lifetime_days": "  "}])
def test_page_without_a_lifetime_gives_the_default_not_never(app, signed_in, form):
    """Only an explicit "never" makes a token that never expires: a form without the field
    (a hand-made request) gets the configured default lifetime."""
    response = signed_in.post("/tokens", data={
        "name": "script", **form, "csrf_token": csrf_from(signed_in, "/tokens")})
    assert response.status_code == 201
    [row] = token_rows(app)
    assert row["expires_at"] is not None
    assert (row["expires_at"] - row["created_at"]).days == app.config["API_TOKEN_DEFAULT_DAYS"]


@pytest.mark.parametrize(("name", "lifetime", "message"), [
    ("", "30", "Give the token a name"),
    ("x" * 81, "30", "A name has at most 80 characters."),
    ("ok", "0", "from 1 to 365, or never"),
    ("ok", "366", "from 1 to 365, or never"),
    ("ok", "soon", "from 1 to 365, or never"),
])
def test_page_rejects_bad_input_and_writes_nothing(app, signed_in, name, lifetime, message):
    response = signed_in.post("/tokens", data={
        "name": name, "lifetime_days": lifetime, "csrf_token": csrf_from(signed_in, "/tokens")})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'data-testid="new-token"' not in page
    assert token_rows(app) == []


def test_page_revokes_a_token(app, signed_in, auth):
    secret = auth.create_token("cron")
    token_id = token_rows(app)[0]["id"]
    response = signed_in.post(f"/tokens/{token_id}/revoke",
                              data={"csrf_token": csrf_from(signed_in)})
    assert response.status_code == 302
    page = signed_in.get("/tokens").get_data(as_text=True)
    assert "is revoked" in page and ">revoked<" in page
    assert signed_in.get("/api/profile", headers=bearer(secret)).status_code == 401


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
def test_unknown_tokens_are_refused(app, signed_in, header):
    response = app.test_client().get("/api/profile", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"] in ("invalid_token", "unauthorized")


def test_an_expired_token_is_refused(app, signed_in, make_token):
    expired = make_token("alice", lifetime_days=-1)
    response = app.test_client().get("/api/profile", headers=bearer(expired))
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid_token",
                                   "message": "The API token is unknown, revoked or expired."}
    listed = signed_in.get("/api/tokens").get_json()["items"]
    assert [token["status"] for token in listed] == ["expired"]


def test_a_token_without_expiry_works(app, signed_in, make_token):
    forever = make_token("alice", lifetime_days=None)
    assert app.test_client().get("/api/profile", headers=bearer(forever)).status_code == 200


def test_the_tokens_page_leads_to_the_api_documentation(signed_in):
    # The API documentation was linked only from the Webhooks page: someone making a token
    # for a script had no way to find what the script can ask.
    page = signed_in.get("/tokens").get_data(as_text=True)
    assert 'href="/api/docs"' in page and "API documentation" in page
