"""A webhook's failure reason is kept whole: alerts.webhook_status (VARCHAR(32)) and the
outbox's last_result (VARCHAR(64)) cut "failed: refused target: cannot resolve <host> ..."
to "failed: refused target: cannot r". Both are 500 characters now, and `flask init-db`
widens them in a MariaDB made by an older version. Runs on SQLite and MariaDB."""
from __future__ import annotations

import sqlalchemy as sa

from backend.db import create_schema, get_engine, transaction, widen_columns
from backend.schema import WEBHOOK_RESULT_LENGTH, alerts, fit_result, webhook_outbox
from tests.backend.test_api_alerts import wait_for
from tests.backend.test_api_webhooks import start_alert, webhook

# A host of 200 characters under .invalid (RFC 2606: never resolves).
HOST = ".".join(["a" * 62] * 3) + ".invalid"


def _narrow_like_an_old_version(app) -> None:
    with app.app_context(), transaction() as conn:
        conn.execute(sa.text("ALTER TABLE alerts MODIFY COLUMN webhook_status VARCHAR(32) NULL"))
        conn.execute(sa.text("ALTER TABLE webhook_outbox MODIFY COLUMN last_result "
                             "VARCHAR(64) NULL"))


def test_a_long_failure_reason_is_kept_whole(app, db_kind, alice):
    if db_kind == "mysql":
        _narrow_like_an_old_version(app)
        with app.app_context():
            create_schema(get_engine())   # what `flask init-db` does on an upgrade
    zone = alice.create_zone(name="Queue", threshold=3)
    assert webhook(alice, zone["id"], f"https://{HOST}/alerts").status_code == 200
    start_alert(alice, zone["id"])

    def status():
        [alert] = alice.get("/api/alerts").get_json()["items"]
        return alert["webhook_status"] if alert["webhook_status"] != "pending" else None

    reason = wait_for(status)
    assert reason.startswith(f"failed: refused target: cannot resolve {HOST}")
    assert len(reason) > 64
    [item] = alice.get("/api/webhooks").get_json()["items"]
    assert item["last_delivery"]["result"] == reason
    assert HOST in item["last_delivery"]["message"]
    with app.app_context(), transaction() as conn:
        assert conn.execute(sa.select(webhook_outbox.c.last_result)).scalar_one() == reason
        assert conn.execute(sa.select(alerts.c.webhook_status)).scalar_one() == reason


def test_init_db_widens_the_columns_of_an_older_mariadb(app, db_kind):
    with app.app_context():
        engine = get_engine()
        if db_kind == "sqlite":   # SQLite keeps any length: nothing to change
            assert widen_columns(engine) == []
            return
        _narrow_like_an_old_version(app)
        assert sorted(widen_columns(engine)) == ["alerts.webhook_status",
                                                 "webhook_outbox.last_result"]
        assert widen_columns(engine) == []   # done once
        columns = {(table, c["name"]): c for table in ("alerts", "webhook_outbox")
                   for c in sa.inspect(engine).get_columns(table)}
    for key in (("alerts", "webhook_status"), ("webhook_outbox", "last_result")):
        assert columns[key]["type"].length == WEBHOOK_RESULT_LENGTH
        assert columns[key]["nullable"] is True


def test_an_overlong_reason_is_cut_with_a_mark():
    assert fit_result("failed: HTTP 500") == "failed: HTTP 500"
    cut = fit_result("failed: " + "x" * 1000)
    assert len(cut) == WEBHOOK_RESULT_LENGTH and cut.endswith("…")
