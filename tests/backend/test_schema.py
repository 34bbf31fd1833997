"""db/schema.sql (the MySQL DDL) and the schema the app creates must agree."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.schema import metadata
from tests.dbs import fresh_database

SCHEMA_SQL = Path(__file__).resolve().parents[2] / "db" / "schema.sql"


def _statements(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def describe(engine: sa.Engine) -> dict:
    """Tables -> columns (type, nullability), indexes, unique constraints and foreign keys."""
    inspector = sa.inspect(engine)
    result = {}
    for table in sorted(inspector.get_table_names()):
        columns = {c["name"]: (str(c["type"]).upper(), c["nullable"])
                   for c in inspector.get_columns(table)}
        indexes = {i["name"]: (tuple(i["column_names"]), bool(i["unique"]))
                   for i in inspector.get_indexes(table)}
        uniques = {u["name"]: tuple(u["column_names"])
                   for u in inspector.get_unique_constraints(table)}
        foreign = sorted((tuple(f["constrained_columns"]), f["referred_table"],
                          tuple(f["referred_columns"]), (f.get("options") or {}).get("ondelete"))
                         for f in inspector.get_foreign_keys(table))
        primary = tuple(inspector.get_pk_constraint(table)["constrained_columns"])
        result[table] = {"columns": columns, "indexes": indexes, "uniques": uniques,
                         "foreign_keys": foreign, "primary_key": primary}
    return result


def test_schema_sql_matches_app_schema_on_mariadb(tmp_path):
    with fresh_database("mysql", tmp_path) as from_file_url, \
            fresh_database("mysql", tmp_path) as from_app_url:
        from_file = sa.create_engine(from_file_url)
        from_app = sa.create_engine(from_app_url)
        try:
            with from_file.begin() as conn:
                for statement in _statements(SCHEMA_SQL.read_text()):
                    conn.exec_driver_sql(statement)
            metadata.create_all(from_app)
            file_schema, app_schema = describe(from_file), describe(from_app)
            assert sorted(file_schema) == sorted(metadata.tables)
            for table in metadata.tables:
                assert file_schema[table] == app_schema[table], table
        finally:
            from_file.dispose()
            from_app.dispose()


def test_app_schema_on_sqlite_has_every_table_column_and_index(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'schema.sqlite'}")
    metadata.create_all(engine)
    described = describe(engine)
    for name, table in metadata.tables.items():
        assert set(described[name]["columns"]) == {c.name for c in table.columns}
        assert {i.name for i in table.indexes} <= set(described[name]["indexes"])
    engine.dispose()


@pytest.mark.parametrize("table,columns", [
    ("count_samples", ("run_id", "zone_key", "ts")),
    ("count_events", ("run_id", "ts")),
    ("videos", ("user_id", "created_at")),
    ("alerts", ("user_id", "started_at")),
])
def test_indexes_for_dashboard_and_export_queries(table, columns):
    indexed = {tuple(c.name for c in index.columns) for index in metadata.tables[table].indexes}
    assert columns in indexed


def test_a_database_made_before_a_column_was_added_gets_it(app, alice):
    """zones.end_hold_seconds (issue 14) came after the first release: create_schema adds it
    to an older database, with its default, and the zones API works on it."""
    import sqlalchemy as sa

    from backend.db import add_missing_columns, create_schema, get_engine

    zone = alice.create_zone(name="Old zone")
    with app.app_context():
        engine = get_engine()
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE zones DROP COLUMN end_hold_seconds"))
        create_schema(engine)
        assert add_missing_columns(engine) == []  # nothing left to add
    loaded = alice.get(f"/api/zones/{zone['id']}").get_json()
    assert loaded["name"] == "Old zone" and loaded["end_hold_seconds"] == 0
