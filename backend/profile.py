"""The profile page at /profile (the rules are in services/profiles.py, shared with the JSON
resource /api/profile) and the `local_time` template filter."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from .db import transaction
from .security import login_required
from .services.profiles import EDITABLE, load_profile, save_profile, today_in
from .validation import GENDER_CHOICES, timezone_names

bp = Blueprint("profile", __name__)


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


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def page():
    with transaction() as conn:
        profile = load_profile(conn, g.user["id"])
    if request.method == "GET":
        return _render(profile, profile, {})
    submitted = {key: request.form.get(key, "") for key in EDITABLE}
    with transaction() as conn:
        _saved, problems = save_profile(conn, g.user["id"], submitted)
    if problems:
        return _render(profile, submitted, problems.first(), status=400)
    flash("Your profile is saved.", "success")
    return redirect(url_for("profile.page"))


def _render(profile: dict, values: dict, errors: dict, status: int = 200):
    page = render_template("auth/profile.html", profile=profile, values=values, errors=errors,
                           gender_choices=GENDER_CHOICES, timezones=timezone_names(),
                           today=today_in(profile["timezone"]).isoformat())
    return page, status
