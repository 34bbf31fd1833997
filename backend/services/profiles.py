"""The profile: username and email (read-only), date of birth (age derived), place, gender
and time zone (used for local times in stats and exports). The rules the profile page and
/api/profile share; validation itself is in backend/validation.py."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..repositories import users as user_repo
from ..validation import (Problems, age_on, clean_gender, clean_place, clean_timezone,
                          parse_date_of_birth, split_gender, text_problem)

EDITABLE = ("date_of_birth", "place", "gender", "gender_self_described", "timezone")
READ_ONLY = ("username", "email", "age")


def today_in(timezone_name: str) -> date:
    """Today's date where the user lives (ages change at local midnight)."""
    return datetime.now(ZoneInfo(timezone_name)).date()


def clean_profile(submitted: dict, current: dict, today: date) -> tuple[dict, Problems]:
    """Merges the submitted text fields over the current profile and validates them.
    Returns the values to store ({date_of_birth, place, gender, timezone}) and problems."""
    merged = {**current, **{key: submitted[key] for key in EDITABLE if key in submitted}}
    problems = Problems()
    for key in EDITABLE:
        if isinstance(merged.get(key), str) and text_problem(merged[key]):
            problems.add(key, text_problem(merged[key]))  # a NUL from the page's form
            merged[key] = None
    born, messages = parse_date_of_birth(merged.get("date_of_birth"), today)
    problems.extend("date_of_birth", messages)
    place, messages = clean_place(merged.get("place"))
    problems.extend("place", messages)
    gender, messages = clean_gender(merged.get("gender"), merged.get("gender_self_described"))
    target = "gender_self_described" if merged.get("gender") == "self_described" else "gender"
    problems.extend(target, messages)
    timezone, messages = clean_timezone(merged.get("timezone"))
    problems.extend("timezone", messages)
    return {"date_of_birth": born, "place": place, "gender": gender,
            "timezone": timezone}, problems


def profile_view(row: dict, today: date) -> dict:
    """The stored profile as plain values for pages and JSON."""
    gender, description = split_gender(row["gender"])
    born = row["date_of_birth"]
    return {
        "username": row["username"],
        "email": row["email"],
        "date_of_birth": born.isoformat() if born else None,
        "age": age_on(born, today) if born else None,
        "place": row["place"],
        "gender": gender,
        "gender_self_described": description,
        "timezone": row["timezone"],
    }


def load_profile(conn: sa.Connection, user_id: int) -> dict:
    row = user_repo.get_profile(conn, user_id)
    return profile_view(row, today_in(row["timezone"]))


def save_profile(conn: sa.Connection, user_id: int,
                 submitted: dict) -> tuple[dict | None, Problems]:
    """Stores the submitted fields when they are all valid; returns (profile, problems)."""
    current = load_profile(conn, user_id)
    cleaned, problems = clean_profile(submitted, current, today_in(current["timezone"]))
    if problems:
        return None, problems
    user_repo.update_profile(conn, user_id, **cleaned)
    return load_profile(conn, user_id), problems
