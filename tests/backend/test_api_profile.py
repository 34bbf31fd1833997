"""/api/profile: read and change the signed-in user's profile; validation errors like the rest
of the API (422 with the fields); CSRF for a session; each user sees only their own."""
from __future__ import annotations

from datetime import date

import pytest

from tests.backend.conftest import bearer, csrf_from, stored_profile, today_utc


def test_get_and_put_with_session_and_csrf(app, signed_in):
    response = signed_in.get("/api/profile")
    assert response.status_code == 200
    assert response.get_json() == {
        "username": "alice", "email": "alice@example.com", "date_of_birth": None,
        "age": None, "place": None, "gender": None, "gender_self_described": None,
        "timezone": "UTC"}
    born = date(today_utc().year - 40, 1, 1)
    response = signed_in.put("/api/profile", json={
        "date_of_birth": born.isoformat(), "timezone": "America/New_York",
        "gender": "self_described", "gender_self_described": "agender"},
        headers={"X-CSRF-Token": csrf_from(signed_in)})
    assert response.status_code == 200
    body = response.get_json()
    assert body["age"] == 40 and body["timezone"] == "America/New_York"
    assert body["gender"] == "self_described" and body["gender_self_described"] == "agender"
    # Fields left out are kept; null clears one.
    response = signed_in.put("/api/profile", json={"place": "Boston", "gender": None},
                             headers={"X-CSRF-Token": csrf_from(signed_in)})
    assert response.get_json()["date_of_birth"] == born.isoformat()
    assert response.get_json()["gender"] is None
    assert stored_profile(app)["place"] == "Boston"


def test_put_with_a_bearer_token_needs_no_csrf(app, signed_in, make_token):
    script = app.test_client()
    response = script.put("/api/profile", json={"place": "Turin"},
                          headers=bearer(make_token("alice")))
    assert response.status_code == 200 and response.get_json()["place"] == "Turin"


@pytest.mark.parametrize(("body", "fields"), [
    ({"date_of_birth": "2999-01-01"},
     {"date_of_birth": ["The date of birth cannot be in the future."]}),
    ({"place": 42}, {"place": ["Not a valid string."]}),
    ({"place": "x" * 121},
     {"place": ["A place has at most 120 characters (this one has 121)."]}),
    ({"timezone": "Nowhere"},
     {"timezone": ["'Nowhere' is not a known IANA time zone (for example Europe/Berlin)."]}),
    ({"timezone": None}, {"timezone": ["Field may not be null."]}),
    # The tz database's 'localtime' is the server's own zone, not an IANA name; browsers
    # refuse it (the dashboard showed 'Invalid time zone specified: localtime' and nothing).
    ({"timezone": "localtime"},
     {"timezone": ["'localtime' is not a known IANA time zone (for example Europe/Berlin)."]}),
    ({"gender": "self_described"},
     {"gender_self_described": ["Describe your gender in a few words, or choose another "
                                "option."]}),
    ({"email": "x@example.com"}, {"email": ["This field cannot be changed here."]}),
    ({"age": 3, "username": "eve"}, {"age": ["This field cannot be changed here."],
                                     "username": ["This field cannot be changed here."]}),
    ({"favourite_colour": "green"}, {"favourite_colour": ["Unknown field."]}),
])
def test_put_validation_answers_422_with_the_fields_and_writes_nothing(
        app, signed_in, body, fields):
    before = stored_profile(app)
    response = signed_in.put("/api/profile", json=body,
                             headers={"X-CSRF-Token": csrf_from(signed_in)})
    assert response.status_code == 422
    assert response.get_json() == {"error": "unprocessable_entity",
                                   "message": "Some fields are not valid.", "fields": fields}
    assert stored_profile(app) == before


@pytest.mark.parametrize(("data", "content_type"), [
    ("[1, 2]", "application/json"),
    ("{not json", "application/json"),
])
def test_a_body_that_is_not_an_object_is_answered_like_elsewhere(signed_in, data,
                                                                  content_type):
    csrf = {"X-CSRF-Token": csrf_from(signed_in)}
    profile = signed_in.put("/api/profile", data=data, content_type=content_type, headers=csrf)
    runs = signed_in.post("/api/runs", data=data, content_type=content_type, headers=csrf)
    assert profile.status_code in (400, 422)
    assert (profile.status_code, profile.get_json()) == (runs.status_code, runs.get_json())


@pytest.mark.parametrize("header", [None, "wrong-token"])
def test_put_with_session_but_without_csrf_is_forbidden(app, signed_in, header):
    headers = {"X-CSRF-Token": header} if header else {}
    response = signed_in.put("/api/profile", json={"place": "Nowhere"}, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"] == "csrf_failed"
    assert stored_profile(app)["place"] is None


def test_needs_authentication(client):
    for response in (client.get("/api/profile"), client.put("/api/profile", json={})):
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"


def test_each_user_sees_and_edits_only_their_own_profile(app, client, auth):
    auth.register("alice")
    auth.register("bob")
    auth.login("bob")
    client.put("/api/profile", json={"place": "Bob's town"},
               headers={"X-CSRF-Token": csrf_from(client)})
    auth.logout()
    auth.login("alice")
    assert client.get("/api/profile").get_json()["place"] is None
    assert stored_profile(app, "bob")["place"] == "Bob's town"
