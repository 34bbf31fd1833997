"""Fixtures in the style of the Flask tutorial (app, client, runner, auth) and the helpers
of the API tests (ApiUser, make_user, the `alice` and `bob` API users, sample, ...).
Every test that uses `app` runs twice: on SQLite and on MariaDB."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from backend import create_app
from backend.db import create_schema, get_engine, transaction
from backend.repositories import users as user_repo
from backend.schema import api_tokens, profiles, users
from backend.security import hash_password
from backend.services.tokens import issue_token
from tests.dbs import DATABASES, fresh_database


@pytest.fixture(params=DATABASES)
def db_kind(request):
    return request.param


@pytest.fixture
def app(db_kind, tmp_path):
    with fresh_database(db_kind, tmp_path) as url:
        app = create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "SESSION_DIR": str(tmp_path / "sessions"),
        })
        with app.app_context():
            create_schema(get_engine())
        yield app
        with app.app_context():
            get_engine().dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_from(client, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# ---------------------------------------------------------------------------------------
# Accounts: the `auth` fixture (register / login / logout through the real forms, CSRF
# handled like a browser) and `make_token` (an API token written straight to the database).
# URLs: /auth/register, /auth/login, /auth/logout (POST); API tokens under /api/tokens.

DEFAULT_PASSWORD = "correct horse battery"


class AuthActions:
    """flaskr-style helper bound to one test client. Registration does not log in."""

    def __init__(self, client) -> None:
        self._client = client

    def csrf(self) -> str:
        return csrf_from(self._client, "/")

    def register(self, username: str = "alice", email: str | None = None,
                 password: str = DEFAULT_PASSWORD, confirm: str | None = None):
        return self._client.post("/auth/register", data={
            "username": username,
            "email": email if email is not None else f"{username}@example.com",
            "password": password,
            "confirm": password if confirm is None else confirm,
            "csrf_token": csrf_from(self._client, "/auth/register"),
        })

    def login(self, username: str = "alice", password: str = DEFAULT_PASSWORD,
              next: str | None = None):
        path = "/auth/login" + (f"?next={next}" if next else "")
        return self._client.post(path, data={
            "username": username, "password": password,
            "csrf_token": csrf_from(self._client, "/auth/login"),
        })

    def logout(self):
        return self._client.post("/auth/logout", data={"csrf_token": self.csrf()})

    def create_token(self, name: str = "script", lifetime_days: int | None = 30) -> str:
        """Creates an API token for the logged-in user through the API; returns the secret."""
        response = self._client.post("/api/tokens", json={
            "name": name, "lifetime_days": lifetime_days,
        }, headers={"X-CSRF-Token": self.csrf()})
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()["secret"]


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def signed_in(client, auth):
    """The test client, registered and logged in as alice through the forms (a browser)."""
    auth.register("alice")
    auth.login()
    return client


def token_rows(app) -> list[dict]:
    with app.app_context(), transaction() as conn:
        return [dict(row) for row in conn.execute(
            sa.select(api_tokens).order_by(api_tokens.c.id)).mappings()]


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


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def make_token(app):
    """make_token(username="alice", name="test", lifetime_days=30) -> secret, written directly
    to the database for an existing user (lifetime_days=None: never expires; a negative
    number makes an already expired token)."""
    from backend.schema import utcnow

    def _make(username: str = "alice", name: str = "test", lifetime_days: int | None = 30):
        expires_at = None if lifetime_days is None else utcnow() + timedelta(days=lifetime_days)
        with app.app_context(), transaction() as conn:
            user_id = conn.execute(sa.select(users.c.id).where(
                sa.func.lower(users.c.username) == username.lower())).scalar_one()
            _token_id, secret = issue_token(conn, user_id, name, expires_at)
        return secret

    return _make


# ---------------------------------------------------------------------------------------
# API users: `alice` and `bob` (created straight in the database, each with a bearer
# token), `make_user` for more, and small builders of count batches.

class ApiUser:
    """A test client authenticated with a bearer token."""

    def __init__(self, app, user_id: int, token: str, username: str) -> None:
        self.app = app
        self.id = user_id
        self.token = token
        self.username = username
        self.client = app.test_client()

    def _headers(self, extra=None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)),
                               **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, headers=self._headers(kwargs.pop("headers", None)),
                                **kwargs)

    def put(self, path, **kwargs):
        return self.client.put(path, headers=self._headers(kwargs.pop("headers", None)),
                               **kwargs)

    def patch(self, path, **kwargs):
        return self.client.patch(path, headers=self._headers(kwargs.pop("headers", None)),
                                 **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete(path, headers=self._headers(kwargs.pop("headers", None)),
                                  **kwargs)

    # Shortcuts for the resources most tests need.
    def create_run(self, **values) -> dict:
        body = {"client_run_id": uuid.uuid4().hex, "source_kind": "webcam",
                "camera_key": "front-door", **values}
        response = self.post("/api/runs", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def create_zone(self, **values) -> dict:
        body = {"name": "Entrance", "kind": "polygon", "camera_key": "front-door",
                "frame_width": 640, "frame_height": 480,
                "geometry": {"points": [[10, 10], [200, 10], [200, 200], [10, 200]]},
                **values}
        response = self.post("/api/zones", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def post_batch(self, run_id: int, samples=(), events=(), batch_id: str | None = None):
        return self.post(f"/api/runs/{run_id}/batches", json={
            "batch_id": batch_id or str(uuid.uuid4()), "samples": list(samples),
            "events": list(events)})


def make_user(app, username: str = "alice", timezone_name: str = "UTC") -> ApiUser:
    with app.app_context(), transaction() as conn:
        user_id = user_repo.create(conn, username, f"{username}@example.com",
                                   hash_password(DEFAULT_PASSWORD))
        conn.execute(sa.update(users).where(users.c.id == user_id)
                     .values(timezone=timezone_name))
        _, token = issue_token(conn, user_id, "tests", None)
    return ApiUser(app, user_id, token, username)


@pytest.fixture
def alice(app):
    return make_user(app, "alice")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


def sample(when: str, zone_key: str = "zone-1", occupancy: int = 0, entries: int = 0,
           exits: int = 0, **extra) -> dict:
    return {"ts": when, "zone_key": zone_key, "occupancy": occupancy, "entries": entries,
            "exits": exits, **extra}


def post_demo_counts(user: ApiUser, run_id: int) -> None:
    """Counts around the spring-forward change in Berlin (2026-03-29)."""
    user.post_batch(run_id, [
        sample("2026-03-29T00:30:00Z", "zone-a", occupancy=2, entries=2),
        sample("2026-03-29T00:40:00Z", "zone-a", occupancy=5, entries=4, exits=1),
        sample("2026-03-29T01:30:00Z", "zone-a", occupancy=1, entries=0, exits=4),
        sample("2026-03-29T01:30:00Z", "frame", occupancy=3),
    ], [
        {"ts": "2026-03-29T00:41:00Z", "zone_key": "zone-a", "kind": "leave", "dwell_s": 10},
        {"ts": "2026-03-29T01:31:00Z", "zone_key": "zone-a", "kind": "leave", "dwell_s": 20},
        {"ts": "2026-03-29T00:35:00Z", "zone_key": "line-1", "kind": "in"},
        {"ts": "2026-03-29T00:36:00Z", "zone_key": "line-1", "kind": "in"},
        {"ts": "2026-03-29T01:36:00Z", "zone_key": "line-1", "kind": "out"},
    ])


def table_count(app, table) -> int:
    with app.app_context(), transaction() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
