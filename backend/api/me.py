"""GET /api/me: who the request is authenticated as."""
from __future__ import annotations

import marshmallow as ma
from flask import g
from flask_smorest import Blueprint

from .common import UtcTime, require_user

blp = Blueprint("api_me", __name__, url_prefix="/api", description="The signed-in user")
blp.before_request(require_user)


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    email = ma.fields.String()
    timezone = ma.fields.String()
    created_at = UtcTime()
    auth_method = ma.fields.String(metadata={"description": "session or token"})


@blp.route("/me")
@blp.response(200, MeSchema)
def me():
    """The signed-in user."""
    return {**g.user, "auth_method": g.get("auth_method")}
