"""Accounts: register, log in (throttled), log out, change password. HTML forms; the JSON
API authenticates with the same session cookie (plus CSRF header) or an API token."""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request,
                   url_for)
from sqlalchemy.exc import IntegrityError

from . import throttle
from .db import transaction
from .repositories import users as user_repo
from .schema import utcnow
from .security import hash_password, login_required, login_user, logout_user, verify_password
from .validation import (Problems, clean_timezone, email_problems, normalise_email,
                         password_problems, username_problems)

bp = Blueprint("auth", __name__, url_prefix="/auth")

INVALID_CREDENTIALS = "The username, email or password is not right."


# ---------- register ----------

@bp.route("/register", methods=["GET", "POST"])
def register():
    if request.method == "GET":
        return render_template("auth/register.html", values={}, errors={})
    values = {"username": request.form.get("username", "").strip(),
              "email": normalise_email(request.form.get("email", ""))}
    password = request.form.get("password", "")
    problems = _registration_problems(values["username"], values["email"], password,
                                      request.form.get("confirm", ""))
    if not problems:
        password_hash = hash_password(password)
        try:
            with transaction() as conn:
                _check_unique(conn, values["username"], values["email"], problems)
                if not problems:
                    user_repo.create(conn, values["username"], values["email"], password_hash,
                                     timezone=_signup_timezone(request.form.get("timezone")))
        except IntegrityError:  # a registration with the same name won the race
            problems.add("username", "This username or email address was just taken.")
    if problems:
        return render_template("auth/register.html", values=values,
                               errors=problems.first()), 400
    flash(f"Welcome, {values['username']}! Your account is ready: log in to start.", "success")
    return redirect(url_for("auth.login", username=values["username"]))


def _registration_problems(username: str, email: str, password: str,
                           confirm: str) -> Problems:
    problems = Problems()
    problems.extend("username", username_problems(username))
    problems.extend("email", email_problems(email))
    problems.extend("password", password_problems(password, username, email))
    if password and confirm != password:
        problems.add("confirm", "The two passwords are not the same.")
    return problems


def _signup_timezone(raw: str | None) -> str:
    """The browser's zone that the sign-up page sends, else UTC (the profile changes it)."""
    name, messages = clean_timezone(raw)
    return "UTC" if messages else name


def _check_unique(conn, username: str, email: str, problems: Problems) -> None:
    if "username" not in problems.fields and user_repo.username_taken(conn, username):
        problems.add("username", "This username is taken; choose another.")
    if "email" not in problems.fields and user_repo.email_taken(conn, email):
        problems.add("email", "An account with this email address exists already. "
                              "Log in instead.")


# ---------- log in / log out ----------

@bp.route("/login", methods=["GET", "POST"])
def login():
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        values = {"username": request.args.get("username", "")}
        return render_template("auth/login.html", values=values, errors={}, next=next_path)
    identifier = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    errors = {}
    if not identifier:
        errors["username"] = "Enter your username or email address."
    if not password:
        errors["password"] = "Enter your password."
    if errors:
        return _login_page(identifier, next_path, errors, 400)

    ip = request.remote_addr or "unknown"
    with transaction() as conn:
        user = user_repo.find_for_login(conn, identifier)
    account_key = (user["username"] if user else identifier).lower()
    attempt_id, locked = throttle.begin_attempt(account_key, ip, throttle.Limits.from_config())
    if locked is not None:
        message, seconds = throttle.wait_message(locked)
        response = _login_page(identifier, next_path, {"form": message}, 429)
        response.headers["Retry-After"] = str(seconds)
        return response

    valid = verify_password(user["password_hash"] if user else _dummy_hash(), password)
    succeeded = bool(user) and valid
    throttle.finish_attempt(attempt_id, succeeded)
    if not succeeded:
        return _login_page(identifier, next_path, {"form": INVALID_CREDENTIALS}, 401)
    login_user(user["id"])
    flash(f"Welcome back, {user['username']}.", "success")
    return redirect(next_path or _home())


def _login_page(identifier: str, next_path: str | None, errors: dict, status: int):
    page = render_template("auth/login.html", values={"username": identifier},
                           errors=errors, next=next_path)
    return current_app.make_response((page, status))


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when no account matches, so both cases cost the same."""
    return hash_password("no account has this password")


@bp.route("/logout", methods=["POST"])
def logout():
    was_logged_in = g.get("user") is not None
    logout_user()
    if was_logged_in:
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def safe_next(raw: str | None) -> str | None:
    """`raw` when it is a path on this site ("/dashboard?x=1"), else None."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in raw):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return None
    return raw


def _home() -> str:
    for endpoint in ("monitor.page", "profile.page"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("pages.index")


# ---------- change password ----------

@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method == "GET":
        return render_template("auth/change_password.html", errors={})
    user = g.user
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    problems = Problems()
    if not current:
        problems.add("current_password", "Enter your current password.")
    problems.extend("new_password", password_problems(new, user["username"], user["email"]))
    if new and new == current:
        problems.add("new_password", "Choose a password different from the current one.")
    if new and request.form.get("confirm", "") != new:
        problems.add("confirm", "The two passwords are not the same.")
    if problems:
        return render_template("auth/change_password.html", errors=problems.first()), 400

    ip = request.remote_addr or "unknown"
    account_key = user["username"].lower()
    attempt_id, locked = throttle.begin_attempt(account_key, ip, throttle.Limits.from_config())
    if locked is not None:
        message, seconds = throttle.wait_message(locked)
        page = render_template("auth/change_password.html", errors={"form": message})
        return page, 429, {"Retry-After": str(seconds)}
    with transaction() as conn:
        stored_hash = user_repo.get_password_hash(conn, user["id"])
    if not verify_password(stored_hash, current):
        throttle.finish_attempt(attempt_id, False)
        errors = {"current_password": "Your current password is not right."}
        return render_template("auth/change_password.html", errors=errors), 400
    # A right current password is not a log-in: the account's failures stay as they were.
    throttle.cancel_attempt(attempt_id)

    new_hash = hash_password(new)
    with transaction() as conn:
        user_repo.set_password_hash(conn, user["id"], new_hash, utcnow())
    login_user(user["id"])  # a new session id; sessions elsewhere end (see security.py)
    flash("Your password is changed. Other devices have to log in again.", "success")
    return redirect(url_for("profile.page"))
