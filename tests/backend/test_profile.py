"""The profile page: display, validation (backend/validation.py), age, time zone."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from backend.validation import age_on, parse_date_of_birth
from tests.backend.conftest import csrf_from, stored_profile, today_utc


def save_form(client, **fields):
    data = {"date_of_birth": "", "place": "", "gender": "", "gender_self_described": "",
            "timezone": "UTC", **fields, "csrf_token": csrf_from(client, "/profile")}
    return client.post("/profile", data=data)


def test_profile_shows_username_and_email(signed_in):
    page = signed_in.get("/profile").get_data(as_text=True)
    assert 'data-testid="profile-username">alice<' in page
    assert 'data-testid="profile-email">alice@example.com<' in page
    assert "not given" in page


def test_saving_the_form_stores_every_field_and_shows_the_age(app, signed_in):
    born = date(today_utc().year - 30, 1, 1)
    response = save_form(signed_in, date_of_birth=born.isoformat(), place="  Lisbon,   Portugal ",
                         gender="non_binary", timezone="Europe/Lisbon")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    page = signed_in.get("/profile").get_data(as_text=True)
    assert "Your profile is saved." in page
    assert 'data-testid="profile-age">30 years<' in page
    assert "Lisbon, Portugal" in page and "Non-binary" in page
    assert stored_profile(app) == {"date_of_birth": born, "place": "Lisbon, Portugal",
                                   "gender": "non_binary", "timezone": "Europe/Lisbon"}


def test_self_described_gender_is_stored_as_text(app, signed_in):
    response = save_form(signed_in, gender="self_described", gender_self_described="genderfluid")
    assert response.status_code == 302
    assert stored_profile(app)["gender"] == "genderfluid"
    page = signed_in.get("/profile").get_data(as_text=True)
    assert 'value="genderfluid"' in page


def test_fields_can_be_cleared_again(app, signed_in):
    save_form(signed_in, date_of_birth="1990-05-05", place="Oslo", gender="female")
    assert save_form(signed_in).status_code == 302
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
        app, signed_in, fields, message):
    save_form(signed_in, date_of_birth="1990-05-05", place="Oslo", gender="female")
    before = stored_profile(app)
    response = save_form(signed_in, **{"date_of_birth": "1990-05-05", "place": "Bergen", **fields})
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
