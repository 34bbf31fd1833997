"""The app factory, the init-db command, static files and isolation headers."""
from __future__ import annotations

import sqlalchemy as sa

from backend import create_app
from backend.db import get_engine
from backend.schema import metadata


def test_config_defaults_and_override(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
                      "SESSION_DIR": str(tmp_path / "s"), "UPLOAD_DIR": str(tmp_path / "u")})
    assert app.testing
    assert app.config["MAX_CONTENT_LENGTH"] == app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def test_init_db_command_creates_every_table(runner, app):
    with app.app_context():
        metadata.drop_all(get_engine())
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Initialised the database" in result.output
    with app.app_context():
        assert set(metadata.tables) <= set(sa.inspect(get_engine()).get_table_names())


def test_pages_send_cross_origin_isolation_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_stylesheet_is_served_and_templates_are_not(client):
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/static/templates/base.html").status_code == 404


def test_unknown_api_route_answers_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
