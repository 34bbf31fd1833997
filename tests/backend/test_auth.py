"""Accounts: registration, log in and out, sessions, CSRF, throttling, password change."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.db import transaction
from backend.schema import login_attempts, users, utcnow
from backend.throttle import retry_at
from tests.backend.conftest import DEFAULT_PASSWORD, csrf_from


def user_rows(app) -> list[dict]:
    with app.app_context(), transaction() as conn:
        return [dict(row) for row in conn.execute(sa.select(users)).mappings()]


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def is_logged_in(client) -> bool:
    return client.get("/profile").status_code == 200


# ---------- register ----------

def test_register_creates_a_user_with_an_argon2_hash_and_sends_to_login(client, auth, app):
    assert client.get("/auth/register").status_code == 200
    response = auth.register("alice", "Alice@Example.COM")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?username=alice"
    [row] = user_rows(app)
    assert row["username"] == "alice"
    assert row["email"] == "Alice@example.com"  # the domain is lower-cased
    assert row["password_hash"].startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in row["password_hash"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your account is ready" in page
    assert 'value="alice"' in page
    assert not is_logged_in(client)


@pytest.mark.parametrize("sent, stored", [
    ("Asia/Tokyo", "Asia/Tokyo"),   # the browser's zone, filled in by the sign-up page
    ("", "UTC"),                    # no script ran
    ("Mars/Olympus", "UTC"),        # not a zone: the account is still made
])
def test_register_starts_the_account_in_the_browsers_time_zone(client, app, sent, stored):
    response = client.post("/auth/register", data={
        "username": "alice", "email": "alice@example.com", "password": DEFAULT_PASSWORD,
        "confirm": DEFAULT_PASSWORD, "timezone": sent,
        "csrf_token": csrf_from(client, "/auth/register")})
    assert response.status_code == 302
    [row] = user_rows(app)
    assert row["timezone"] == stored


@pytest.mark.parametrize(("username", "email", "password", "confirm", "message"), [
    ("", "a@example.com", DEFAULT_PASSWORD, None, "Choose a username."),
    ("al", "a@example.com", DEFAULT_PASSWORD, None, "A username has 3 to 32 characters"),
    ("a" * 33, "a@example.com", DEFAULT_PASSWORD, None, "A username has 3 to 32 characters"),
    ("al ice", "a@example.com", DEFAULT_PASSWORD, None, "may only contain letters"),
    ("alice", "", DEFAULT_PASSWORD, None, "Enter your email address."),
    ("alice", "alice.example.com", DEFAULT_PASSWORD, None, "Enter an email address like"),
    ("alice", "alice@localhost", DEFAULT_PASSWORD, None, "Enter an email address like"),
    ("alice", "a@example.com", "", None, "Choose a password."),
    ("alice", "a@example.com", "Sh0rt!", None, "Use at least 10 characters (this one has 6)."),
    ("alice", "a@example.com", "onlylowercaseletters", None, "Mix at least two kinds"),
    ("alice", "a@example.com", "1234509876", None, "Mix at least two kinds"),
    ("alice", "a@example.com", "i am alice, hi", None, "Do not use your username or email"),
    ("alice", "bobby@example.com", "Bobby was here 1", None, "Do not use your username or email"),
    ("alice", "a@example.com", "Password123", None, "one of the most common"),
    ("alice", "a@example.com", "Correct Horse Battery Staple", None, "one of the most common"),
    ("alice", "a@example.com", DEFAULT_PASSWORD, "something else", "The two passwords are not"),
])
def test_register_rejects_bad_input_with_a_message_and_writes_nothing(
        client, auth, app, username, email, password, confirm, message):
    response = auth.register(username, email, password, confirm)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page.replace("&#39;", "'")
    assert "has-error" in page
    assert user_rows(app) == []


def test_register_keeps_the_entered_values_but_never_the_password(auth):
    response = auth.register("alice", "alice@example.com", "tooshort", "tooshort")
    page = response.get_data(as_text=True)
    assert 'value="alice"' in page and 'value="alice@example.com"' in page
    assert "tooshort" not in page


@pytest.mark.parametrize(("username", "email", "field_message"), [
    ("ALICE", "other@example.com", "This username is taken"),
    ("bob", "ALICE@example.com", "An account with this email address exists already"),
])
def test_register_refuses_duplicates_ignoring_case(auth, app, username, email, field_message):
    assert auth.register("alice", "alice@example.com").status_code == 302
    response = auth.register(username, email)
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    assert [row["username"] for row in user_rows(app)] == ["alice"]


# ---------- log in / log out ----------

@pytest.mark.parametrize("identifier", ["alice", "ALICE", "alice@example.com", "Alice@Example.com"])
def test_login_with_username_or_email_in_any_case(client, auth, identifier):
    auth.register("alice")
    response = auth.login(identifier)
    assert response.status_code == 302
    profile = client.get("/profile")
    assert profile.status_code == 200
    assert "Welcome back, alice." in profile.get_data(as_text=True)


@pytest.mark.parametrize(("username", "password"), [
    ("alice", "wrong password 1"), ("nobody", DEFAULT_PASSWORD)])
def test_login_refuses_wrong_credentials_with_one_message(client, auth, username, password):
    auth.register("alice")
    response = auth.login(username, password)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "The username, email or password is not right." in page
    assert password not in page
    assert not is_logged_in(client)


def test_login_without_input_says_what_is_missing(client):
    response = client.post("/auth/login", data={"csrf_token": csrf_from(client, "/auth/login")})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your username or email address." in page and "Enter your password." in page


@pytest.mark.parametrize(("next_path", "expected"), [
    ("/tokens", "/tokens"),
    ("/profile?tab=1", "/profile?tab=1"),
    ("https://evil.example/", None),
    ("//evil.example/x", None),
    ("/\\evil.example", None),
    ("javascript:alert(1)", None),
])
def test_login_follows_next_only_to_local_paths(client, auth, next_path, expected):
    auth.register("alice")
    response = client.post("/auth/login", data={
        "username": "alice", "password": DEFAULT_PASSWORD, "next": next_path,
        "csrf_token": csrf_from(client, "/auth/login")})
    assert response.status_code == 302
    location = response.headers["Location"]
    if expected is None:
        assert "evil" not in location and not location.startswith("javascript")
        assert location.startswith("/")
    else:
        assert location == expected


def test_pages_that_need_login_redirect_with_next(client, auth):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/profile"
    auth.register("alice")
    assert auth.login(next="/profile").headers["Location"] == "/profile"


def test_session_id_changes_on_login(client, auth):
    auth.register("alice")
    csrf_from(client, "/auth/login")
    before = session_cookie(client)
    assert before
    auth.login()
    after = session_cookie(client)
    assert after and after != before


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, auth):
    auth.register("alice")
    auth.login()
    stolen = session_cookie(client)
    response = auth.logout()
    assert response.status_code == 302
    assert "You are logged out." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert not is_logged_in(client)
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert not is_logged_in(thief)


def test_a_request_in_flight_at_logout_does_not_bring_the_session_back(app, client, auth):
    """A request that loaded the session before logout and answers after it must not write
    the old session back (which would log the user in again)."""
    auth.register("alice")
    auth.login()
    cookie = session_cookie(client)
    interface = app.session_interface
    with app.test_request_context("/api/me", headers={"Cookie": f"session={cookie}"}):
        in_flight = interface.open_session(app, __import__("flask").request)
        assert in_flight.get("user_id") is not None
        auth.logout()
        response = app.response_class()
        interface.save_session(app, in_flight, response)
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert not is_logged_in(replay)


def test_logout_needs_post(client, auth):
    auth.register("alice")
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert is_logged_in(client)


@pytest.mark.parametrize("csrf_token", [None, "", "forged-token"])
def test_forms_without_the_right_csrf_token_are_refused(client, auth, csrf_token):
    auth.register("alice")
    csrf_from(client, "/auth/login")  # the session has a real token; the form sends another
    data = {"username": "alice", "password": DEFAULT_PASSWORD}
    if csrf_token is not None:
        data["csrf_token"] = csrf_token
    response = client.post("/auth/login", data=data)
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_register_without_csrf_writes_nothing(client, app):
    response = client.post("/auth/register", data={
        "username": "alice", "email": "alice@example.com", "password": DEFAULT_PASSWORD,
        "confirm": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert user_rows(app) == []


# ---------- throttling ----------

@pytest.fixture
def strict_limits(app):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_MAX_FAILURES_PER_IP=5,
                      LOGIN_WINDOW_SECONDS=600)


def login_from(app, ip: str, username: str, password: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    token = csrf_from(client, "/auth/login")
    return client.post("/auth/login", data={"username": username, "password": password,
                                            "csrf_token": token})


def test_throttling_refuses_even_the_right_password_after_too_many_failures(
        app, auth, strict_limits):
    auth.register("alice")
    auth.register("bob")
    for _ in range(3):
        assert login_from(app, "10.0.0.1", "alice", "wrong password 1").status_code == 401
    refused = login_from(app, "10.0.0.1", "alice", DEFAULT_PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many failed log-ins" in page and "Try again in 10 minutes" in page
    assert 540 <= int(refused.headers["Retry-After"]) <= 600
    # The lock is on the account: another address, and the email, are refused too.
    assert login_from(app, "10.0.0.2", "alice@example.com", DEFAULT_PASSWORD).status_code == 429
    # Another account is not affected, from this address or another.
    assert login_from(app, "10.0.0.1", "bob", DEFAULT_PASSWORD).status_code == 302
    assert login_from(app, "10.0.0.3", "bob", DEFAULT_PASSWORD).status_code == 302
    with app.app_context(), transaction() as conn:
        recorded = conn.execute(sa.select(sa.func.count()).select_from(login_attempts)
                                .where(login_attempts.c.username == "alice")).scalar()
    assert recorded == 3  # refused attempts are not recorded


def test_throttling_by_address_covers_every_username(app, auth, strict_limits):
    auth.register("carol")
    for name in ("u1", "u2", "u3", "u4", "u5"):
        assert login_from(app, "10.0.0.9", name, "wrong password 1").status_code == 401
    assert login_from(app, "10.0.0.9", "carol", DEFAULT_PASSWORD).status_code == 429
    assert login_from(app, "10.0.0.10", "carol", DEFAULT_PASSWORD).status_code == 302


def test_failures_outside_the_window_or_before_a_success_do_not_count(app, auth, strict_limits):
    auth.register("alice")
    now = utcnow()
    old = [{"username": "alice", "ip": "10.0.0.1", "succeeded": False,
            "attempted_at": now - timedelta(seconds=601 + i)} for i in range(5)]
    before_success = [{"username": "alice", "ip": "10.0.0.4", "succeeded": False,
                       "attempted_at": now - timedelta(seconds=60 + i)} for i in range(3)]
    success = {"username": "alice", "ip": "10.0.0.5", "succeeded": True,
               "attempted_at": now - timedelta(seconds=30)}
    with app.app_context(), transaction() as conn:
        conn.execute(sa.insert(login_attempts), [*old, *before_success, success])
    assert login_from(app, "10.0.0.1", "alice", DEFAULT_PASSWORD).status_code == 302


@pytest.mark.parametrize(("failures", "expected_minutes"), [
    ([], None), ([50, 40], None), ([50, 40, 30], 30), ([59, 50, 40, 30], 40)])
def test_retry_at_is_when_the_limit_th_newest_failure_leaves_the_window(
        failures, expected_minutes):
    start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    times = [start + timedelta(minutes=m) for m in failures]
    result = retry_at(times, 3, timedelta(minutes=60))
    expected = None if expected_minutes is None else start + timedelta(minutes=expected_minutes + 60)
    assert result == expected


# ---------- change password ----------

def change_password(client, current: str, new: str, confirm: str | None = None):
    return client.post("/auth/password", data={
        "current_password": current, "new_password": new,
        "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_from(client, "/auth/password")})


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("wrong password 1", "a new long passphrase", None, "Your current password is not right."),
    ("", "a new long passphrase", None, "Enter your current password."),
    (DEFAULT_PASSWORD, "short1", None, "Use at least 10 characters"),
    (DEFAULT_PASSWORD, "alice in wonderland", None, "Do not use your username"),
    (DEFAULT_PASSWORD, DEFAULT_PASSWORD, None, "different from the current one"),
    (DEFAULT_PASSWORD, "a new long passphrase", "a different one", "not the same"),
])
def test_change_password_rejects_bad_input_and_keeps_the_old_password(
        app, client, auth, current, new, confirm, message):
    auth.register("alice")
    auth.login()
    hash_before = user_rows(app)[0]["password_hash"]
    response = change_password(client, current, new, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user_rows(app)[0]["password_hash"] == hash_before
    assert user_rows(app)[0]["password_changed_at"] is None


def test_change_password_rotates_the_session_and_ends_other_sessions(app, client, auth):
    auth.register("alice")
    auth.login()
    other_device = app.test_client()
    other_device.post("/auth/login", data={
        "username": "alice", "password": DEFAULT_PASSWORD,
        "csrf_token": csrf_from(other_device, "/auth/login")})
    assert is_logged_in(other_device)
    before = session_cookie(client)

    response = change_password(client, DEFAULT_PASSWORD, "a new long passphrase")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    assert session_cookie(client) != before
    assert "Your password is changed." in client.get("/profile").get_data(as_text=True)
    assert is_logged_in(client)
    assert not is_logged_in(other_device)
    assert user_rows(app)[0]["password_changed_at"] is not None

    auth.logout()
    assert auth.login("alice", DEFAULT_PASSWORD).status_code == 401
    assert auth.login("alice", "a new long passphrase").status_code == 302


def test_change_password_needs_login(client):
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
