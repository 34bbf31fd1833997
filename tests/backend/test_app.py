"""The app factory, the init-db command, static files and isolation headers."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend import create_app
from backend.db import get_engine
from backend.schema import metadata


def test_config_defaults_and_override(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "u"))
    monkeypatch.setenv("SESSION_DIR", str(tmp_path / "s"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    for name in ("MAX_UPLOAD_MB", "LOGIN_MAX_FAILURES", "API_TOKEN_DEFAULT_DAYS"):
        monkeypatch.delenv(name, raising=False)
    defaults = create_app()
    assert not defaults.testing
    assert (defaults.config["MAX_UPLOAD_MB"], defaults.config["LOGIN_MAX_FAILURES"],
            defaults.config["API_TOKEN_DEFAULT_DAYS"]) == (2048, 5, 90)
    assert defaults.config["SECRET_KEY"] == "from-the-environment"
    assert defaults.config["UPLOAD_DIR"] == str(tmp_path / "u")

    monkeypatch.setenv("MAX_UPLOAD_MB", "3")
    monkeypatch.setenv("API_TOKEN_DEFAULT_DAYS", "7")
    overridden = create_app()
    assert overridden.config["MAX_UPLOAD_MB"] == 3
    assert overridden.config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024
    assert overridden.config["API_TOKEN_DEFAULT_DAYS"] == 7
    # A test configuration wins over the environment.
    assert create_app({"TESTING": True, "API_TOKEN_DEFAULT_DAYS": 30}).config[
        "API_TOKEN_DEFAULT_DAYS"] == 30


def test_a_bad_number_in_the_environment_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("MAX_UPLOAD_MB", "lots")
    with pytest.raises(RuntimeError, match="MAX_UPLOAD_MB must be a whole number"):
        create_app({"UPLOAD_DIR": str(tmp_path / "u"), "SESSION_DIR": str(tmp_path / "s")})


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


def test_home_page_tells_where_ip_cameras_are(client):
    # IP cameras were only a tab inside the monitor: nothing on the way there mentioned them.
    page = client.get("/").get_data(as_text=True)
    assert "IP cameras" in page and "Always on" in page


def test_unknown_page_says_so_in_plain_words(client):
    # It showed Werkzeug's "The requested URL was not found on the server. If you entered
    # the URL manually please check your spelling and try again."
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "There is no page at this address." in text
    assert "requested URL" not in text


def test_unknown_api_route_answers_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
