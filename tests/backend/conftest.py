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
