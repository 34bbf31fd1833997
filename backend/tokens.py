"""API tokens for scripts: create (the secret is shown once), list, revoke; as a page and as
JSON under /api/tokens.

A token looks like `pc_<8 hex prefix>_<43 random characters>`; only its SHA-256 and the
prefix are stored. Send it as `Authorization: Bearer <token>`; such requests need no CSRF
token. A token can read the token list but cannot create or revoke tokens: that needs a
logged-in browser session, so a leaked token cannot mint more of itself or hide its tracks."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   url_for)

from .db import transaction
from .errors import ApiError
from .repositories import tokens as token_repo
from .schema import utcnow
from .security import hash_token, login_required
from .validation import Problems, text_problem

bp = Blueprint("tokens", __name__)

NAME_MAX = 80
LIFETIME_MAX_DAYS = 365
LIFETIME_CHOICES = (1, 7, 30, 90, 180, 365)
TOKEN_PREFIX = "pc_"


def issue_token(conn: sa.Connection, user_id: int, name: str, expires_at: datetime | None,
                created_at: datetime | None = None) -> tuple[int, str]:
    """Stores a new token for the user; returns (token id, the secret to show once)."""
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token_id = token_repo.create(conn, user_id, name, hash_token(secret), prefix, expires_at,
                                 created_at)
    return token_id, secret


def token_status(token: dict, now: datetime) -> str:
    if token["revoked_at"] is not None:
        return "revoked"
    if token["expires_at"] is not None and token["expires_at"] <= now:
        return "expired"
    return "active"


def clean_token_input(name, lifetime_days, default_days: int) -> tuple[dict, Problems]:
    """name: 1-80 characters; lifetime_days: whole days 1..365, None for never,
    "default" (absent) for the configured default. Returns ({name, lifetime_days}, problems)."""
    problems = Problems()
    name = " ".join(str(name or "").split()) if isinstance(name, (str, type(None))) else None
    if name is None:
        problems.add("name", "The name must be text.")
    elif text_problem(name):
        problems.add("name", text_problem(name))
    elif not name:
        problems.add("name", "Give the token a name, such as the script that will use it.")
    elif len(name) > NAME_MAX:
        problems.add("name", f"A name has at most {NAME_MAX} characters.")
    if lifetime_days == "default":
        lifetime_days = default_days
    elif lifetime_days in (None, "", "never"):
        lifetime_days = None
    else:
        lifetime_days = _whole_number(lifetime_days)
        if lifetime_days is None or not 1 <= lifetime_days <= LIFETIME_MAX_DAYS:
            problems.add("lifetime_days", f"The lifetime is a whole number of days from 1 to "
                                          f"{LIFETIME_MAX_DAYS}, or never.")
    return {"name": name, "lifetime_days": lifetime_days}, problems


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _expiry(lifetime_days: int | None, now: datetime) -> datetime | None:
    return None if lifetime_days is None else now + timedelta(days=lifetime_days)


def _default_days() -> int:
    return int(current_app.config["API_TOKEN_DEFAULT_DAYS"])


# ---------- page ----------

@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def page():
    if request.method == "GET":
        return _render_page({"lifetime_days": str(_default_days())}, {})
    values = {"name": request.form.get("name", ""),
              "lifetime_days": request.form.get("lifetime_days", "")}
    cleaned, problems = clean_token_input(values["name"], values["lifetime_days"],
                                          _default_days())
    if problems:
        return _render_page(values, problems.first(), status=400)
    now = utcnow()
    with transaction() as conn:
        _token_id, secret = issue_token(conn, g.user["id"], cleaned["name"],
                                        _expiry(cleaned["lifetime_days"], now), now)
    # The secret is rendered in this response only, never stored or redirected with.
    return _render_page({"lifetime_days": str(_default_days())}, {},
                        new_token={"name": cleaned["name"], "secret": secret}, status=201)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    with transaction() as conn:
        token = token_repo.get_for_user(conn, g.user["id"], token_id)
        if token is None:
            abort(404, "There is no such token.")
        token_repo.revoke(conn, g.user["id"], token_id, utcnow())
    flash(f"The token “{token['name']}” is revoked; scripts using it get 401 now.", "success")
    return redirect(url_for("tokens.page"))


def _render_page(values: dict, errors: dict, new_token: dict | None = None, status: int = 200):
    now = utcnow()
    with transaction() as conn:
        tokens = token_repo.list_for_user(conn, g.user["id"])
    for token in tokens:
        token["status"] = token_status(token, now)
    page = render_template("auth/tokens.html", tokens=tokens, values=values, errors=errors,
                           new_token=new_token, lifetime_choices=LIFETIME_CHOICES,
                           default_days=_default_days())
    return page, status


# ---------- JSON API ----------

def token_json(token: dict, now: datetime) -> dict:
    return {
        "id": token["id"],
        "name": token["name"],
        "prefix": f"{TOKEN_PREFIX}{token['prefix']}",
        "created_at": iso_utc(token["created_at"]),
        "expires_at": iso_utc(token["expires_at"]),
        "last_used_at": iso_utc(token["last_used_at"]),
        "revoked_at": iso_utc(token["revoked_at"]),
        "status": token_status(token, now),
    }


def iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _session_required() -> None:
    if g.get("auth_method") == "token":
        raise ApiError(403, "API tokens cannot create or revoke tokens; do that from a "
                            "logged-in browser session (the API tokens page).",
                       "session_required")


@bp.get("/api/tokens")
@login_required
def api_list():
    now = utcnow()
    with transaction() as conn:
        tokens = token_repo.list_for_user(conn, g.user["id"])
    return {"items": [token_json(token, now) for token in tokens]}


@bp.get("/api/tokens/<int:token_id>")
@login_required
def api_get(token_id: int):
    with transaction() as conn:
        token = token_repo.get_for_user(conn, g.user["id"], token_id)
    if token is None:
        raise ApiError(404, "There is no such token.")
    return token_json(token, utcnow())


@bp.post("/api/tokens")
@login_required
def api_create():
    _session_required()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "Send a JSON object like {\"name\": \"backup script\", "
                            "\"lifetime_days\": 30}.", "invalid_json")
    unknown = sorted(set(body) - {"name", "lifetime_days"})
    cleaned, problems = clean_token_input(body.get("name"), body.get("lifetime_days", "default"),
                                          _default_days())
    for key in unknown:
        problems.add(key, "Unknown field.")
    if problems:
        raise ApiError(400, "Some fields are not valid.", "validation_failed", problems.fields)
    now = utcnow()
    with transaction() as conn:
        token_id, secret = issue_token(conn, g.user["id"], cleaned["name"],
                                       _expiry(cleaned["lifetime_days"], now), now)
        token = token_repo.get_for_user(conn, g.user["id"], token_id)
    body = token_json(token, now) | {"secret": secret}
    return body, 201, {"Location": url_for("tokens.api_get", token_id=token_id)}


@bp.delete("/api/tokens/<int:token_id>")
@login_required
def api_revoke(token_id: int):
    _session_required()
    with transaction() as conn:
        found = token_repo.revoke(conn, g.user["id"], token_id, utcnow())
    if not found:
        raise ApiError(404, "There is no such token.")
    return "", 204
