"""The profile: username and email (read-only here), date of birth (age derived), place,
gender and time zone (used for local times in stats and exports). A page at /profile and
JSON at /api/profile (GET, PUT with any subset of the editable fields)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from .db import transaction
from .errors import ApiError
from .repositories import users as user_repo
from .security import login_required
from .validation import (GENDER_CHOICES, Problems, age_on, clean_gender, clean_place,
                         clean_timezone, parse_date_of_birth, split_gender, text_problem,
                         timezone_names)

bp = Blueprint("profile", __name__)

EDITABLE = ("date_of_birth", "place", "gender", "gender_self_described", "timezone")


def today_in(timezone_name: str) -> date:
    """Today's date where the user lives (ages change at local midnight)."""
    return datetime.now(ZoneInfo(timezone_name)).date()


def local_time(moment: datetime | None, timezone_name: str = "UTC") -> str:
    """An aware datetime as '22 Nov 2026, 14:05' in the given time zone ('' for None)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone_name)).strftime("%d %b %Y, %H:%M")


@bp.app_template_filter("local_time")
def _local_time_filter(moment: datetime | None) -> str:
    """Jinja: {{ some_time | local_time }} in the logged-in user's time zone."""
    user = g.get("user")
    return local_time(moment, user["timezone"] if user else "UTC")


def clean_profile(submitted: dict, current: dict, today: date) -> tuple[dict, Problems]:
    """Merges the submitted fields over the current profile and validates them.
    Returns the values to store ({date_of_birth, place, gender, timezone}) and problems."""
    merged = {**current, **{key: submitted[key] for key in EDITABLE if key in submitted}}
    problems = Problems()
    for key in ("date_of_birth", "place", "gender", "gender_self_described", "timezone"):
        value = merged.get(key)
        if value is not None and not isinstance(value, str):
            problems.add(key, "Send this field as text (or null).")
            merged[key] = None
        elif value is not None and text_problem(value):
            problems.add(key, text_problem(value))
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


def _load(user_id: int) -> dict:
    with transaction() as conn:
        row = user_repo.get_profile(conn, user_id)
    return profile_view(row, today_in(row["timezone"]))


def _save(user_id: int, submitted: dict) -> tuple[dict | None, Problems]:
    current = _load(user_id)
    cleaned, problems = clean_profile(submitted, current, today_in(current["timezone"]))
    if problems:
        return None, problems
    with transaction() as conn:
        user_repo.update_profile(conn, user_id, **cleaned)
    return _load(user_id), problems


# ---------- page ----------

@bp.route("/profile", methods=["GET", "POST"])
@login_required
def page():
    profile = _load(g.user["id"])
    if request.method == "GET":
        return _render(profile, profile, {})
    submitted = {key: request.form.get(key, "") for key in EDITABLE}
    saved, problems = _save(g.user["id"], submitted)
    if problems:
        return _render(profile, submitted, problems.first(), status=400)
    flash("Your profile is saved.", "success")
    return redirect(url_for("profile.page"))


def _render(profile: dict, values: dict, errors: dict, status: int = 200):
    page = render_template("auth/profile.html", profile=profile, values=values, errors=errors,
                           gender_choices=GENDER_CHOICES, timezones=timezone_names(),
                           today=today_in(profile["timezone"]).isoformat())
    return page, status


# ---------- JSON API ----------

@bp.get("/api/profile")
@login_required
def api_get():
    return _load(g.user["id"])


@bp.put("/api/profile")
@login_required
def api_put():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "Send a JSON object with any of: " + ", ".join(EDITABLE) + ".",
                       "invalid_json")
    unknown = Problems()
    for key in sorted(set(body) - set(EDITABLE)):
        if key in ("username", "email", "age"):
            unknown.add(key, "This field cannot be changed here.")
        else:
            unknown.add(key, "Unknown field.")
    if unknown:
        raise ApiError(400, "Some fields are not valid.", "validation_failed", unknown.fields)
    saved, problems = _save(g.user["id"], body)
    if problems:
        raise ApiError(400, "Some fields are not valid.", "validation_failed", problems.fields)
    return saved
