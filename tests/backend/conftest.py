"""Fixtures in the style of the Flask tutorial: app, client, runner, auth.
Every test that uses `app` runs twice: on SQLite and on MariaDB."""
from __future__ import annotations

import re

import pytest

from backend import create_app
from backend.db import create_schema, get_engine
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
def make_token(app):
    """make_token(username="alice", name="test", lifetime_days=30) -> secret, written directly
    to the database for an existing user (lifetime_days=None: never expires; a negative
    number makes an already expired token)."""
    from datetime import timedelta

    import sqlalchemy as sa

    from backend.db import transaction
    from backend.schema import users, utcnow
    from backend.tokens import issue_token

    def _make(username: str = "alice", name: str = "test", lifetime_days: int | None = 30):
        expires_at = None if lifetime_days is None else utcnow() + timedelta(days=lifetime_days)
        with app.app_context(), transaction() as conn:
            user_id = conn.execute(sa.select(users.c.id).where(
                sa.func.lower(users.c.username) == username.lower())).scalar_one()
            _token_id, secret = issue_token(conn, user_id, name, expires_at)
        return secret

    return _make
