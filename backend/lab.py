"""Lab pages: harnesses that run the app's own JS modules on given frames (used by the
benchmarks, the evaluator and the parity tests; handy to check a machine's speed too)."""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template
from jinja2 import TemplateNotFound

bp = Blueprint("lab", __name__, url_prefix="/lab")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")


@bp.route("/<name>")
def page(name: str):
    if not _NAME.fullmatch(name):
        abort(404)
    try:
        return render_template(f"lab/{name}.html")
    except TemplateNotFound:
        abort(404)
