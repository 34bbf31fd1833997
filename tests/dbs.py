"""Fresh databases for tests: a SQLite file, or a new MariaDB database dropped afterwards.
Under CI=true a MariaDB that does not answer fails the test; elsewhere it is skipped."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest
import sqlalchemy as sa

MYSQL_SERVER_URL = os.environ.get("MYSQL_TEST_URL", "mysql+pymysql://root:@127.0.0.1:3306/test")
DATABASES = ["sqlite", "mysql"]


def _server_url(database: str | None) -> sa.URL:
    url = sa.make_url(MYSQL_SERVER_URL)
    return url.set(database=database)


def require_mysql() -> None:
    """Skip (locally) or fail (CI) when MariaDB does not answer."""
    engine = sa.create_engine(_server_url(None), connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not reachable"
        message = f"MariaDB/MySQL at {MYSQL_SERVER_URL} is not reachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: MySQL tests must run)", pytrace=False)
        pytest.skip(message)
    finally:
        engine.dispose()


@contextmanager
def fresh_database(kind: str, tmp_path) -> Iterator[str]:
    """Yields the URL of an empty database of the given kind; removes it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    require_mysql()
    name = f"pc_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_server_url(None))
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 "
                             "COLLATE utf8mb4_unicode_ci"))
    try:
        yield _server_url(name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()
