"""The profile page and /api/profile: display, validation, age, time zone, authorisation."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from backend.db import transaction
from backend.schema import profiles, users
from backend.validation import age_on, parse_date_of_birth
from tests.backend.conftest import csrf_from


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


def stored_profile(app, username: str = "alice") -> dict:
    with app.app_context(), transaction() as conn:
        row = conn.execute(
            sa.select(profiles.c.date_of_birth, profiles.c.place, profiles.c.gender,
                      users.c.timezone)
            .join(users, users.c.id == profiles.c.user_id)
            .where(users.c.username == username)).mappings().one()
    return dict(row)


@pytest.fixture
def alice(client, auth):
    auth.register("alice")
    auth.login()
    return client


def save_form(client, **fields):
    data = {"date_of_birth": "", "place": "", "gender": "", "gender_self_described": "",
            "timezone": "UTC", **fields, "csrf_token": csrf_from(client, "/profile")}
    return client.post("/profile", data=data)


def test_profile_shows_username_and_email(alice):
    page = alice.get("/profile").get_data(as_text=True)
    assert 'data-testid="profile-username">alice<' in page
    assert 'data-testid="profile-email">alice@example.com<' in page
    assert "not given" in page


def test_saving_the_form_stores_every_field_and_shows_the_age(app, alice):
    born = date(today_utc().year - 30, 1, 1)
    response = save_form(alice, date_of_birth=born.isoformat(), place="  Lisbon,   Portugal ",
                         gender="non_binary", timezone="Europe/Lisbon")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    page = alice.get("/profile").get_data(as_text=True)
    assert "Your profile is saved." in page
    assert 'data-testid="profile-age">30 years<' in page
    assert "Lisbon, Portugal" in page and "Non-binary" in page
    assert stored_profile(app) == {"date_of_birth": born, "place": "Lisbon, Portugal",
                                   "gender": "non_binary", "timezone": "Europe/Lisbon"}


def test_self_described_gender_is_stored_as_text(app, alice):
    response = save_form(alice, gender="self_described", gender_self_described="genderfluid")
    assert response.status_code == 302
    assert stored_profile(app)["gender"] == "genderfluid"
    page = alice.get("/profile").get_data(as_text=True)
    assert 'value="genderfluid"' in page


def test_fields_can_be_cleared_again(app, alice):
    save_form(alice, date_of_birth="1990-05-05", place="Oslo", gender="female")
    assert save_form(alice).status_code == 302
    assert stored_profile(app) == {"date_of_birth": None, "place": None, "gender": None,
                                   "timezone": "UTC"}


def _bad_inputs():
    tomorrow = (today_utc() + timedelta(days=2)).isoformat()
    return [
        ({"date_of_birth": tomorrow}, "The date of birth cannot be in the future."),
        ({"date_of_birth": "1899-12-31"}, "The date of birth cannot be before 1900."),
        ({"date_of_birth": "31.12.1990"}, "Enter the date as YYYY-MM-DD"),
        ({"date_of_birth": "1990-02-30"}, "Enter the date as YYYY-MM-DD"),
        ({"place": "x" * 121}, "A place has at most 120 characters (this one has 121)."),
        ({"gender": "robot"}, "Choose one of:"),
        ({"gender": "self_described", "gender_self_described": "  "}, "Describe your gender"),
        ({"gender": "self_described", "gender_self_described": "y" * 33}, "at most 32 characters"),
        ({"timezone": "Mars/Olympus_Mons"}, "is not a known IANA time zone"),
        ({"timezone": ""}, "Choose a time zone"),
    ]


@pytest.mark.parametrize(("fields", "message"), _bad_inputs())
def test_bad_profile_input_shows_the_message_keeps_values_and_writes_nothing(
        app, alice, fields, message):
    save_form(alice, date_of_birth="1990-05-05", place="Oslo", gender="female")
    before = stored_profile(app)
    response = save_form(alice, **{"date_of_birth": "1990-05-05", "place": "Bergen", **fields})
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert message in page
    assert "has-error" in page
    if "place" not in fields:
        assert 'value="Bergen"' in page  # what was typed is kept
    assert stored_profile(app) == before


@pytest.mark.parametrize(("born", "today", "age"), [
    (date(1990, 6, 15), date(2020, 6, 14), 29),
    (date(1990, 6, 15), date(2020, 6, 15), 30),
    (date(2000, 2, 29), date(2021, 2, 28), 20),
    (date(2000, 2, 29), date(2021, 3, 1), 21),
    (date(2000, 2, 29), date(2024, 2, 29), 24),
    (date(2020, 12, 31), date(2020, 12, 31), 0),
])
def test_age_counts_completed_years(born, today, age):
    assert age_on(born, today) == age


@pytest.mark.parametrize(("raw", "today", "expected", "message"), [
    ("1900-01-01", date(2026, 6, 1), date(1900, 1, 1), None),
    ("1900-01-01", date(2030, 1, 1), None, "That would make you 130; check the year."),
    ("2026-06-01", date(2026, 6, 1), date(2026, 6, 1), None),
    ("2026-06-02", date(2026, 6, 1), None, "The date of birth cannot be in the future."),
    ("", date(2026, 6, 1), None, None),
])
def test_date_of_birth_limits(raw, today, expected, message):
    born, problems = parse_date_of_birth(raw, today)
    assert born == expected
    assert problems == ([message] if message else [])


# ---------- JSON API ----------

def test_api_get_and_put_with_session_and_csrf(app, alice):
    response = alice.get("/api/profile")
    assert response.status_code == 200
    assert response.get_json() == {
        "username": "alice", "email": "alice@example.com", "date_of_birth": None,
        "age": None, "place": None, "gender": None, "gender_self_described": None,
        "timezone": "UTC"}
    born = date(today_utc().year - 40, 1, 1)
    response = alice.put("/api/profile", json={
        "date_of_birth": born.isoformat(), "timezone": "America/New_York",
        "gender": "self_described", "gender_self_described": "agender"},
        headers={"X-CSRF-Token": csrf_from(alice)})
    assert response.status_code == 200
    body = response.get_json()
    assert body["age"] == 40 and body["timezone"] == "America/New_York"
    assert body["gender"] == "self_described" and body["gender_self_described"] == "agender"
    # Fields left out are kept.
    response = alice.put("/api/profile", json={"place": "Boston"},
                         headers={"X-CSRF-Token": csrf_from(alice)})
    assert response.get_json()["date_of_birth"] == born.isoformat()
    assert stored_profile(app)["place"] == "Boston"


@pytest.mark.parametrize(("body", "fields"), [
    ({"date_of_birth": "2999-01-01"}, {"date_of_birth": ["The date of birth cannot be in the future."]}),
    ({"place": 42}, {"place": ["Send this field as text (or null)."]}),
    ({"timezone": "Nowhere"}, {"timezone": ["'Nowhere' is not a known IANA time zone (for example Europe/Berlin)."]}),
    ({"gender": "self_described"}, {"gender_self_described": ["Describe your gender in a few words, or choose another option."]}),
    ({"email": "x@example.com"}, {"email": ["This field cannot be changed here."]}),
    ({"favourite_colour": "green"}, {"favourite_colour": ["Unknown field."]}),
])
def test_api_put_validation_lists_the_bad_fields_and_writes_nothing(app, alice, body, fields):
    before = stored_profile(app)
    response = alice.put("/api/profile", json=body, headers={"X-CSRF-Token": csrf_from(alice)})
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["error"] == "validation_failed"
    assert payload["message"] == "Some fields are not valid."
    assert payload["fields"] == fields
    assert stored_profile(app) == before


def test_api_put_needs_a_json_object(alice):
    response = alice.put("/api/profile", data="not json", content_type="text/plain",
                         headers={"X-CSRF-Token": csrf_from(alice)})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"


@pytest.mark.parametrize("header", [None, "wrong-token"])
def test_api_put_with_session_but_without_csrf_is_forbidden(app, alice, header):
    headers = {"X-CSRF-Token": header} if header else {}
    response = alice.put("/api/profile", json={"place": "Nowhere"}, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"] == "csrf_failed"
    assert stored_profile(app)["place"] is None


def test_api_needs_authentication(client):
    response = client.get("/api/profile")
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
