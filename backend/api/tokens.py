"""/api/tokens: list, read, create (the secret is answered once) and revoke API tokens.
Creating and revoking need a logged-in browser session, never a bearer token: security.py
refuses a bearer token on these changes before any view runs (needs_session)."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app, url_for
from flask_smorest import Blueprint

from ..db import transaction
from ..repositories import tokens as token_repo
from ..schema import utcnow
from ..services.tokens import (LIFETIME_MAX_DAYS, NAME_MAX, TOKEN_PREFIX, clean_token_input,
                               create_for_user, listed_with_status, token_status)
from .common import ID_CONVERTER, Text, UtcTime, current_user_id, not_found, require_user

blp = Blueprint("api_tokens", __name__, url_prefix="/api/tokens",
                description="API tokens for scripts (Authorization: Bearer <token>)")
blp.before_request(require_user)


class TokenInSchema(ma.Schema):
    name = Text(required=True, metadata={
        "description": f"1-{NAME_MAX} characters, such as the script that will use it"})
    lifetime_days = ma.fields.Integer(strict=True, allow_none=True, metadata={
        "description": f"Whole days, 1-{LIFETIME_MAX_DAYS}; null: never expires; "
                       "absent: API_TOKEN_DEFAULT_DAYS"})

    @ma.post_load
    def _clean(self, data, **kwargs):
        """The same rules as the tokens page (services/tokens.py)."""
        default_days = int(current_app.config["API_TOKEN_DEFAULT_DAYS"])
        cleaned, problems = clean_token_input(data["name"],
                                              data.get("lifetime_days", "default"),
                                              default_days)
        if problems:
            raise ma.ValidationError(problems.fields)
        return cleaned


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.Function(lambda token: f"{TOKEN_PREFIX}{token['prefix']}", metadata={
        "description": "The start of the secret, to recognise it"})
    created_at = UtcTime()
    expires_at = UtcTime(allow_none=True)
    last_used_at = UtcTime(allow_none=True)
    revoked_at = UtcTime(allow_none=True)
    status = ma.fields.String(metadata={"description": "active, expired or revoked"})


class NewTokenSchema(TokenSchema):
    secret = ma.fields.String(metadata={"description": "The token; answered only this once"})


class TokenListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TokenSchema))


def _owned_token(conn, token_id: int) -> dict:
    token = token_repo.get_for_user(conn, current_user_id(), token_id)
    if token is None:
        raise not_found("token")
    return {**token, "status": token_status(token, utcnow())}


@blp.route("")
@blp.response(200, TokenListSchema)
def list_tokens():
    """The user's tokens, newest first, revoked and expired ones included."""
    with transaction() as conn:
        return {"items": listed_with_status(conn, current_user_id(), utcnow())}


@blp.route("", methods=["POST"])
@blp.arguments(TokenInSchema)
@blp.response(201, NewTokenSchema)
@blp.alt_response(403, description="session_required: a bearer token cannot create tokens")
def create_token(values):
    """Create a token; the answer carries its secret, which is never shown again."""
    with transaction() as conn:
        token_id, secret = create_for_user(conn, current_user_id(), values, utcnow())
        token = _owned_token(conn, token_id)
    location = url_for("api_tokens.get_token", token_id=token_id)
    return {**token, "secret": secret}, 201, {"Location": location}


@blp.route(f"/<{ID_CONVERTER}:token_id>")
@blp.response(200, TokenSchema)
def get_token(token_id: int):
    """One token (without its secret)."""
    with transaction() as conn:
        return _owned_token(conn, token_id)


@blp.route(f"/<{ID_CONVERTER}:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(403, description="session_required: a bearer token cannot revoke tokens")
def revoke_token(token_id: int):
    """Revoke a token: scripts using it get 401 from now on."""
    with transaction() as conn:
        if not token_repo.revoke(conn, current_user_id(), token_id, utcnow()):
            raise not_found("token")
    return None
