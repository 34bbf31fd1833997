"""API tokens for scripts: the rules the tokens page and /api/tokens share.

A token looks like `pc_<8 hex prefix>_<43 random characters>`; only its SHA-256 and the
prefix are stored. Send it as `Authorization: Bearer <token>`; such requests need no CSRF
token. A token can read the token list but cannot create or revoke tokens: that needs a
logged-in browser session, so a leaked token cannot mint more of itself or hide its tracks."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..repositories import tokens as token_repo
from ..security import hash_token
from ..validation import Problems, text_problem

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


def expiry(lifetime_days: int | None, now: datetime) -> datetime | None:
    return None if lifetime_days is None else now + timedelta(days=lifetime_days)


def create_for_user(conn: sa.Connection, user_id: int, cleaned: dict,
                    now: datetime) -> tuple[int, str]:
    """Issues a token from clean_token_input's values; returns (token id, secret)."""
    return issue_token(conn, user_id, cleaned["name"], expiry(cleaned["lifetime_days"], now),
                       now)


def listed_with_status(conn: sa.Connection, user_id: int, now: datetime) -> list[dict]:
    """The user's tokens, newest first, each with its status (active, expired, revoked)."""
    tokens = token_repo.list_for_user(conn, user_id)
    for token in tokens:
        token["status"] = token_status(token, now)
    return tokens
