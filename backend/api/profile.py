"""/api/profile: the signed-in user's profile; PUT changes the fields it sends."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from ..db import transaction
from ..services.profiles import READ_ONLY, load_profile, save_profile
from ..validation import GENDER_CHOICES
from .common import Text, current_user_id, invalid_fields, require_user

blp = Blueprint("api_profile", __name__, url_prefix="/api/profile",
                description="The signed-in user's profile")
blp.before_request(require_user)
GENDERS = ", ".join(key for key, _label in GENDER_CHOICES)


class ProfileSchema(ma.Schema):
    username = ma.fields.String()
    email = ma.fields.String()
    date_of_birth = ma.fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    age = ma.fields.Integer(allow_none=True, metadata={"description": "From date_of_birth"})
    place = ma.fields.String(allow_none=True)
    gender = ma.fields.String(allow_none=True, metadata={"description": GENDERS})
    gender_self_described = ma.fields.String(allow_none=True)
    timezone = ma.fields.String(metadata={"description": "IANA name, e.g. Europe/Berlin"})


class ProfileChangeSchema(ma.Schema):
    """Any subset of the editable fields; null or "" clears one (not the time zone)."""

    date_of_birth = Text(allow_none=True, metadata={
        "description": "YYYY-MM-DD, 1900 or later, not in the future"})
    place = Text(allow_none=True, metadata={"description": "Up to 120 characters"})
    gender = Text(allow_none=True, metadata={"description": GENDERS})
    gender_self_described = Text(allow_none=True, metadata={
        "description": "Up to 32 characters, with gender self_described"})
    timezone = Text(metadata={"description": "IANA name, e.g. Europe/Berlin"})

    @ma.pre_load
    def _refuse_read_only(self, data, **kwargs):
        if isinstance(data, dict):
            fixed = {key: ["This field cannot be changed here."] for key in READ_ONLY
                     if key in data}
            if fixed:
                raise ma.ValidationError(fixed)
        return data


@blp.route("")
@blp.response(200, ProfileSchema)
def get_profile():
    """The profile, with the age derived from the date of birth."""
    with transaction() as conn:
        return load_profile(conn, current_user_id())


@blp.route("", methods=["PUT"])
@blp.arguments(ProfileChangeSchema)
@blp.response(200, ProfileSchema)
def change_profile(values):
    """Change the fields sent; the others stay. Invalid fields change nothing."""
    with transaction() as conn:
        saved, problems = save_profile(conn, current_user_id(), values)
    if problems:
        raise invalid_fields(problems.fields)
    return saved
