"""The API tokens page at /tokens: create (the secret is shown once), list, revoke. The rules
live in services/tokens.py and are shared with the JSON resource /api/tokens."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, \
    url_for

from .db import transaction
from .repositories import tokens as token_repo
from .protocol import isolated
from .schema import utcnow
from .security import login_required
from .services.tokens import LIFETIME_CHOICES, clean_token_input, create_for_user, \
    listed_with_status

bp = Blueprint("tokens", __name__)


def default_days() -> int:
    return int(current_app.config["API_TOKEN_DEFAULT_DAYS"])


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def page():
    if request.method == "GET":
        return _render_page({"lifetime_days": str(default_days())}, {})
    values = {"name": request.form.get("name", ""),
              "lifetime_days": request.form.get("lifetime_days", "")}
    # Only the form's explicit "never" makes a token that never expires; no lifetime at all
    # (a hand-made request) is the default, never "never".
    lifetime = values["lifetime_days"].strip() or "default"
    cleaned, problems = clean_token_input(values["name"], lifetime, default_days())
    if problems:
        return _render_page(values, problems.first(), status=400)
    with transaction() as conn:
        _token_id, secret = create_for_user(conn, g.user["id"], cleaned, utcnow())
    # The secret is rendered in this response only, never stored or redirected with.
    return _render_page({"lifetime_days": str(default_days())}, {},
                        new_token={"name": cleaned["name"], "secret": secret}, status=201)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    with transaction() as conn:
        token = token_repo.get_for_user(conn, g.user["id"], token_id)
        if token is None:
            abort(404, "There is no such token.")
        token_repo.revoke(conn, g.user["id"], token_id, utcnow())
    flash(f"The token “{isolated(token['name'])}” is revoked; scripts using it get 401 now.",
          "success")
    return redirect(url_for("tokens.page"))


def _render_page(values: dict, errors: dict, new_token: dict | None = None, status: int = 200):
    with transaction() as conn:
        tokens = listed_with_status(conn, g.user["id"], utcnow())
    page = render_template("auth/tokens.html", tokens=tokens, values=values, errors=errors,
                           new_token=new_token, lifetime_choices=LIFETIME_CHOICES,
                           default_days=default_days())
    return page, status
