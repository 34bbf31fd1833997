"""/api/tokens: create (the secret answered once), list, get, revoke; validation errors like
the rest of the API; creating and revoking need a browser session with CSRF, never a bearer
token; another user's token is a 404."""
from __future__ import annotations

import re

import pytest

from tests.backend.conftest import bearer, csrf_from, token_rows

TOKEN_FORMAT = re.compile(r"pc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
LIFETIME_RULE = ["The lifetime is a whole number of days from 1 to 365, or never."]


def test_create_list_get_and_revoke(app, signed_in):
    csrf = {"X-CSRF-Token": csrf_from(signed_in)}
    response = signed_in.post("/api/tokens", json={"name": "uploader", "lifetime_days": None},
                              headers=csrf)
    assert response.status_code == 201
    created = response.get_json()
    assert TOKEN_FORMAT.fullmatch(created["secret"])
    assert created["name"] == "uploader" and created["expires_at"] is None
    assert created["status"] == "active" and created["revoked_at"] is None
    assert created["prefix"] == created["secret"][:11]
    assert response.headers["Location"] == f"/api/tokens/{created['id']}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created["created_at"])

    fetched = signed_in.get(response.headers["Location"]).get_json()
    assert "secret" not in fetched
    assert fetched == {key: value for key, value in created.items() if key != "secret"}
    listed = signed_in.get("/api/tokens").get_json()["items"]
    assert listed == [fetched]

    script = app.test_client()
    assert script.get("/api/profile", headers=bearer(created["secret"])).status_code == 200
    assert signed_in.delete(f"/api/tokens/{created['id']}", headers=csrf).status_code == 204
    assert script.get("/api/profile", headers=bearer(created["secret"])).status_code == 401
    revoked = signed_in.get("/api/tokens").get_json()["items"][0]
    assert revoked["status"] == "revoked" and revoked["revoked_at"].endswith("Z")


def test_create_uses_the_default_lifetime(app, signed_in):
    response = signed_in.post("/api/tokens", json={"name": "  default  "},
                              headers={"X-CSRF-Token": csrf_from(signed_in)})
    assert response.status_code == 201 and response.get_json()["name"] == "default"
    row = token_rows(app)[0]
    assert (row["expires_at"] - row["created_at"]).days == app.config["API_TOKEN_DEFAULT_DAYS"]


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"name": ["Missing data for required field."]}),
    ({"name": 7}, {"name": ["Not a valid string."]}),
    ({"name": "   "}, {"name": ["Give the token a name, such as the script that will use it."]}),
    ({"name": "x" * 81}, {"name": ["A name has at most 80 characters."]}),
    ({"name": "nul\x00"}, {"name": ["Must not contain NUL characters."]}),
    ({"name": "x", "lifetime_days": 0}, {"lifetime_days": LIFETIME_RULE}),
    ({"name": "x", "lifetime_days": 366}, {"lifetime_days": LIFETIME_RULE}),
    ({"name": "x", "lifetime_days": 1.5}, {"lifetime_days": ["Not a valid integer."]}),
    ({"name": "x", "lifetime_days": True}, {"lifetime_days": ["Not a valid integer."]}),
    ({"name": "x", "scope": "all"}, {"scope": ["Unknown field."]}),
])
def test_create_validation_answers_422_with_the_fields_and_writes_nothing(
        app, signed_in, body, fields):
    response = signed_in.post("/api/tokens", json=body,
                              headers={"X-CSRF-Token": csrf_from(signed_in)})
    assert response.status_code == 422
    assert response.get_json() == {"error": "unprocessable_entity",
                                   "message": "Some fields are not valid.", "fields": fields}
    assert token_rows(app) == []


def test_validation_errors_have_the_shape_of_the_rest_of_the_api(signed_in):
    """The same bad input type on /api/tokens and /api/runs answers the same way."""
    csrf = {"X-CSRF-Token": csrf_from(signed_in)}
    tokens = signed_in.post("/api/tokens", json=["a list"], headers=csrf)
    runs = signed_in.post("/api/runs", json=["a list"], headers=csrf)
    assert (tokens.status_code, tokens.get_json()) == (runs.status_code, runs.get_json())
    assert tokens.status_code == 422


def test_create_with_a_session_needs_csrf(app, signed_in):
    response = signed_in.post("/api/tokens", json={"name": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "csrf_failed"
    assert signed_in.delete("/api/tokens/1").status_code == 403
    assert token_rows(app) == []


def test_a_token_cannot_create_or_revoke_tokens(app, signed_in, make_token):
    secret = make_token("alice")
    script = app.test_client()
    response = script.post("/api/tokens", json={"name": "more"}, headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["error"] == "session_required"
    token_id = token_rows(app)[0]["id"]
    response = script.delete(f"/api/tokens/{token_id}", headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["error"] == "session_required"
    assert len(token_rows(app)) == 1 and token_rows(app)[0]["revoked_at"] is None
    # Reading is allowed.
    assert script.get("/api/tokens", headers=bearer(secret)).status_code == 200
    assert script.get(f"/api/tokens/{token_id}", headers=bearer(secret)).status_code == 200


def test_another_users_token_is_a_404(app, client, auth, make_token):
    auth.register("alice")
    auth.register("bob")
    alice_secret = make_token("alice")
    alice_token_id = token_rows(app)[0]["id"]
    auth.login("bob")
    csrf = {"X-CSRF-Token": csrf_from(client)}
    response = client.delete(f"/api/tokens/{alice_token_id}", headers=csrf)
    assert (response.status_code, response.get_json()["error"]) == (404, "not_found")
    assert client.get(f"/api/tokens/{alice_token_id}").status_code == 404
    assert client.get("/api/tokens").get_json() == {"items": []}
    response = client.post(f"/tokens/{alice_token_id}/revoke",
                           data={"csrf_token": csrf["X-CSRF-Token"]})
    assert response.status_code == 404
    assert token_rows(app)[0]["revoked_at"] is None
    assert app.test_client().get("/api/profile", headers=bearer(alice_secret)).status_code == 200


def test_an_unknown_token_is_a_404(signed_in):
    response = signed_in.delete("/api/tokens/999999",
                                headers={"X-CSRF-Token": csrf_from(signed_in)})
    assert (response.status_code, response.get_json()["error"]) == (404, "not_found")
    response = signed_in.get(f"/api/tokens/{2**63}")
    assert (response.status_code, response.get_json()["error"]) == (404, "not_found")
