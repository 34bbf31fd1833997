"""Database engine, schema creation and the init-db command (in the style of flaskr's db.py)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from .schema import metadata

_EXTENSION_KEY = "people_counter_engine"


def _make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if url.startswith("mysql"):
        engine = sa.create_engine(url, pool_pre_ping=True, pool_recycle=3600, pool_size=10,
                                  max_overflow=30, pool_reset_on_return=None,
                                  connect_args={"charset": "utf8mb4"})
        _rollback_on_return_unless_committed(engine)
        return engine
    return sa.create_engine(url)


_CLEAN = "pc_committed_clean"


def _rollback_on_return_unless_committed(engine: sa.Engine) -> None:
    """The pool's reset on return (a ROLLBACK round trip), skipped when the last thing done
    on the connection was a successful COMMIT: then no transaction (and no read snapshot)
    is open. Every `transaction()` ends that way, so a request saves one round trip per
    transaction; anything else (a connect() that only read, an error) is rolled back as
    before."""
    dialect = engine.dialect
    do_commit = dialect.do_commit

    def commit_and_mark(dbapi_connection) -> None:
        dbapi_connection.info[_CLEAN] = False
        do_commit(dbapi_connection)
        dbapi_connection.info[_CLEAN] = True

    dialect.do_commit = commit_and_mark

    @sa.event.listens_for(engine, "begin")
    def _began(conn) -> None:
        conn.info[_CLEAN] = False

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _executing(conn, *_args) -> None:
        conn.info[_CLEAN] = False

    @sa.event.listens_for(engine.pool, "reset")
    def _reset(dbapi_connection, record, reset_state) -> None:
        clean = record.info.pop(_CLEAN, False)
        if not (clean or reset_state.transaction_was_reset):   # the latter: just rolled back
            dbapi_connection.rollback()


def get_engine() -> sa.Engine:
    return current_app.extensions[_EXTENSION_KEY]


def get_engine_of(app: Flask) -> sa.Engine:
    return app.extensions[_EXTENSION_KEY]


@contextmanager
def transaction() -> Iterator[sa.Connection]:
    """One transaction: committed when the block ends, rolled back on an exception."""
    with get_engine().begin() as conn:
        yield conn


def create_schema(engine: sa.Engine) -> None:
    metadata.create_all(engine)
    add_missing_columns(engine)
    widen_columns(engine)
    remove_zones_of_deleted_cameras(engine)


def _schema_columns(conn: sa.Connection) -> list[tuple[sa.Table, sa.Column, dict | None]]:
    """(table, column, the database's reflected column or None when it lacks it) for every
    column of the schema's tables that exist, all read before anything is altered, on the
    connection that will alter them (another pooled SQLite connection may not have seen a
    column dropped since, and ADD COLUMN then fails as a duplicate)."""
    inspector = sa.inspect(conn)
    found = []
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        have = {column["name"]: column for column in inspector.get_columns(table.name)}
        found.extend((table, column, have.get(column.name)) for column in table.columns)
    return found


def widen_columns(engine: sa.Engine) -> list[str]:
    """Text columns the schema has made longer since a table was created (alerts.webhook_status
    32 -> 500, webhook_outbox.last_result 64 -> 500): ALTER TABLE ... MODIFY COLUMN with the
    column's new definition on MySQL/MariaDB, so a database made by an older version stops
    cutting what they hold. Never narrows one. SQLite needs nothing: it keeps text of any
    length whatever VARCHAR(n) says. Returns "table.column" of each widened."""
    if engine.dialect.name != "mysql":
        return []
    widened = []
    with engine.begin() as conn:
        for table, column, have in _schema_columns(conn):
            wanted = getattr(column.type, "length", None)
            length = getattr(have["type"], "length", None) if have else None
            if not isinstance(column.type, sa.String) or wanted is None or length is None \
                    or length >= wanted:
                continue
            definition = sa.schema.CreateColumn(column).compile(dialect=engine.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} MODIFY COLUMN {definition}"))
            widened.append(f"{table.name}.{column.name}")
    return widened


def remove_zones_of_deleted_cameras(engine: sa.Engine) -> int:
    """Zones of IP cameras deleted by an older version (which left them, as "ipcam:<id>",
    with working webhooks) go the way a camera's zones go now (repositories/cameras.delete):
    their names stay in the runs that counted them, their waiting deliveries are not sent.
    Returns how many were removed."""
    from .protocol import IP_CAMERA_KEY_PREFIX, ip_camera_id_from_key, saved_zone_key
    from .repositories import outbox as outbox_repo
    from .repositories import zones as zone_repo
    from .schema import cameras, zones

    removed = 0
    with engine.begin() as conn:
        rows = conn.execute(sa.select(zones.c.id, zones.c.user_id, zones.c.camera_key).where(
            zones.c.camera_key.like(f"{IP_CAMERA_KEY_PREFIX}%"))).all()
        if not rows:
            return 0
        owned = {tuple(row) for row in conn.execute(sa.select(cameras.c.user_id, cameras.c.id))}
        orphans: dict[int, set[int]] = {}
        for zone_id, user_id, key in rows:
            camera_id = ip_camera_id_from_key(key)
            if camera_id is not None and (user_id, camera_id) not in owned:
                orphans.setdefault(user_id, set()).add(zone_id)
        for user_id, zone_ids in orphans.items():
            zone_repo.keep_names_in_runs(conn, user_id, zone_ids)
            for zone_id in sorted(zone_ids):
                outbox_repo.cancel_pending(conn, user_id, saved_zone_key(zone_id))
            zone_repo.delete_many(conn, user_id, zone_ids)
            removed += len(zone_ids)
    return removed


def add_missing_columns(engine: sa.Engine) -> list[str]:
    """Columns added to the schema after a table was created (create_all makes only missing
    tables): ALTER TABLE ... ADD COLUMN with the column's type, default and NULL rule, so a
    database made by an older version keeps working. Returns "table.column" of each added."""
    added = []
    with engine.begin() as conn:
        for table, column, have in _schema_columns(conn):
            if have is not None:
                continue
            definition = sa.schema.CreateColumn(column).compile(dialect=engine.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {definition}"))
            added.append(f"{table.name}.{column.name}")
    return added


@click.command("init-db")
@click.option("--drop", is_flag=True, help="Drop every table first (destroys data).")
@with_appcontext  # added with app.cli.add_command, so not wrapped automatically
def init_db_command(drop: bool) -> None:
    """Create the tables that do not exist yet."""
    engine = get_engine()
    if drop:
        metadata.drop_all(engine)
    create_schema(engine)
    click.echo(f"Initialised the database ({engine.url.render_as_string(hide_password=True)}).")


def init_app(app: Flask) -> None:
    engine = _make_engine(app.config["DATABASE_URL"])
    app.extensions[_EXTENSION_KEY] = engine
    app.cli.add_command(init_db_command)
