"""Who is asking: session cookie or bearer token, CSRF on cookie-authenticated changes,
and the decorators views use. Passwords are hashed with Argon2id."""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, g, redirect, request, session, url_for

from .db import transaction
from .errors import ApiError, wants_json
from .repositories import tokens as token_repo
from .repositories import users as user_repo
from .station import scope as station_scope

_hasher = PasswordHasher()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_SESSION_KEY = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
# Bearer tokens are read only on these paths; HTML form routes see only the session cookie.
API_PREFIX = "/api/"
SESSION_ONLY_PATHS = re.compile(r"/api/tokens(?:/.*)?", re.DOTALL)


# What pages may load and run. No inline script (page code lives in frontend/js/), WASM
# compiled by onnxruntime-web ('wasm-unsafe-eval'), workers from this site or blob: URLs,
# media from uploads, files picked locally (blob:) and the webcam (mediastream:); no
# plugins, no framing by other sites (clickjacking), forms post only here.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    "connect-src 'self' blob: data:",
    "img-src 'self' blob: data:",
    "media-src 'self' blob: mediastream:",
    "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token() -> str:
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def csrf_exempt(view):
    view.csrf_exempt = True
    return view


def current_user() -> dict | None:
    return g.get("user")


def login_user(user_id: int) -> None:
    """Start a session for the user with a fresh session id (no fixation)."""
    from flask import current_app

    session.clear()
    session["user_id"] = user_id
    # Flask-Session 0.8 regenerates only a non-empty session, so fill it first.
    current_app.session_interface.regenerate(session)
    session.permanent = True
    session["logged_in_at"] = time.time()  # sessions older than a password change end
    csrf_token()


def logout_user() -> None:
    from flask import current_app

    # Regenerate before clearing (an empty session is not regenerated): the old id is
    # deleted from the store, and a flash message set afterwards lives under a new id.
    current_app.session_interface.regenerate(session)
    session.clear()


def login_required(view):
    """Pages: redirect to the login page. API: 401 JSON."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            if wants_json():
                raise ApiError(401, "Log in or send an API token.", "unauthorized")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def needs_session(method: str, path: str) -> bool:
    """Changes that only a logged-in browser session may make, wherever their views live:
    creating and revoking API tokens (a leaked token must not mint more of itself)."""
    return method not in SAFE_METHODS and SESSION_ONLY_PATHS.fullmatch(path) is not None


def _bearer_token() -> str | None:
    """The bearer token of an /api/ request; other paths (HTML forms) never take one."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer ") or not request.path.startswith(API_PREFIX):
        return None
    return header[7:].strip()


def _load_user() -> None:
    g.user = None
    g.auth_method = None
    raw = _bearer_token()
    if raw is not None and station_scope.is_station_token(raw):
        station_scope.authenticate(raw)  # a counting station: its own narrow scope
        return
    if raw is not None:
        with transaction() as conn:
            user = token_repo.user_for_token(conn, hash_token(raw))
        if user is None:
            raise ApiError(401, "The API token is unknown, revoked or expired.", "invalid_token")
        if needs_session(request.method, request.path):
            raise ApiError(403, "API tokens cannot create or revoke tokens; do that from a "
                                "logged-in browser session (the API tokens page).",
                           "session_required")
        g.user = user
        g.auth_method = "token"
        return
    user_id = session.get("user_id")
    if user_id is not None:
        with transaction() as conn:
            user = user_repo.get_by_id(conn, user_id)
        if user is None or _logged_in_before_password_change(user):
            session.clear()
            return
        g.user = user
        g.auth_method = "session"


def _logged_in_before_password_change(user: dict) -> bool:
    changed = user.get("password_changed_at")
    # 1 ms of slack: MySQL keeps milliseconds and may round the stored time up.
    return changed is not None and session.get("logged_in_at", 0) + 0.001 < changed.timestamp()


def _check_csrf() -> None:
    if request.method in SAFE_METHODS or g.get("auth_method") == "token":
        return
    if g.get("user") is None and wants_json():
        # No credentials at all: nothing a forged request could act as. The view's
        # login_required answers 401, which tells an API client what is really missing.
        return
    view = request.endpoint and g.get("_view_func")
    if view is not None and getattr(view, "csrf_exempt", False):
        return
    expected = session.get(CSRF_SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        if wants_json():
            raise ApiError(403, "The CSRF token is missing or wrong; reload the page.",
                           "csrf_failed")
        abort(400, "The form expired or was sent from elsewhere; reload the page and try again.")


def init_app(app: Flask) -> None:
    @app.before_request
    def _authenticate_and_check_csrf():
        g._view_func = app.view_functions.get(request.endpoint) if request.endpoint else None
        if request.endpoint in ("assets.static_file", "assets.vendor_file"):
            return
        _load_user()
        _check_csrf()

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["current_user"] = current_user
