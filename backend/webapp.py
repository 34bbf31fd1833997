"""The web app's pages: Monitor (live counting), Dashboard (past and running sessions),
My videos and Webhooks (zone alerts sent to other systems). Each page is a template plus one
ES module composition root; data comes from /api. Endpoint names (used by the nav):
monitor.page, dashboard.page, videos.page, webhooks.page."""
from __future__ import annotations

from flask import Blueprint, render_template

from .security import login_required


def _page_blueprint(name: str, url: str, template: str) -> Blueprint:
    blueprint = Blueprint(name, __name__)

    @login_required
    def page():
        return render_template(template)

    blueprint.add_url_rule(url, endpoint="page", view_func=page)
    return blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """Fresh blueprints for one app (no module-level mutable state shared between apps)."""
    return (
        _page_blueprint("monitor", "/monitor", "monitor.html"),
        _page_blueprint("dashboard", "/dashboard", "dashboard.html"),
        _page_blueprint("videos", "/videos", "videos.html"),
        _page_blueprint("webhooks", "/webhooks", "webhooks.html"),
    )
