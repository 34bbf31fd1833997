"""People counter backend: create_app() wires configuration, database, sessions and blueprints."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import assets, db, errors, json_body, lab, pages, security, webapp
from .config import Config

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None, template_folder=str(FRONTEND / "templates"))
    app.config.from_mapping(Config().as_dict())
    if test_config:
        app.config.update(test_config)

    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx: the client's address (login throttling) and scheme come from the
        # X-Forwarded-* headers the trusted proxies set (deploy/nginx.conf).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_sessions(app)
    db.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    json_body.init_app(app)
    app.register_blueprint(pages.bp)
    _register_blueprints(app)
    app.jinja_env.globals["has_endpoint"] = lambda endpoint: endpoint in app.view_functions
    return app


def _register_blueprints(app: Flask) -> None:
    """Resource blueprints, one module or package per resource, each with `bp`."""
    from . import api, auth, ops, profile, station, tokens
    from .services import outbox, retention

    for blueprint in (auth.bp, profile.bp, tokens.bp):
        app.register_blueprint(blueprint)
    ops.init_app(app)
    api.init_app(app)
    station.init_app(app)
    outbox.init_app(app)
    retention.init_app(app)
    for blueprint in (lab.bp, *webapp.blueprints()):
        app.register_blueprint(blueprint)


def _init_sessions(app: Flask) -> None:
    from cachelib.file import FileSystemCache
    from flask_session import Session

    backend = app.config["SESSION_BACKEND"]
    if backend == "redis":
        from .services.live_bus import redis_client

        app.config["SESSION_TYPE"] = "redis"
        app.config["SESSION_REDIS"] = redis_client(app)
    elif backend == "filesystem":
        app.config["SESSION_TYPE"] = "cachelib"
        app.config["SESSION_CACHELIB"] = FileSystemCache(app.config["SESSION_DIR"], threshold=0)
    else:
        raise RuntimeError(f"SESSION_BACKEND must be 'filesystem' or 'redis', got {backend!r}")
    app.config.setdefault("SESSION_PERMANENT", True)
    app.config.setdefault("SESSION_USE_SIGNER", False)
    Session(app)
