"""What a counting-station token may do: read its user's IP cameras and their zones, watch
their streams, create camera runs and post their counts, and nothing else. The rule lives
here, once; backend/security.py calls `authenticate` for a `pcs_` bearer token.

A station token (`pcs_<random>`) is made by the station command for one user and revoked
when the station stops; only its SHA-256 is stored (table station_tokens)."""
from __future__ import annotations

import hashlib
import secrets

from flask import g, request

from ..db import transaction
from ..errors import ApiError
from ..repositories import cameras as camera_repo
from ..repositories import runs as run_repo

PREFIX = "pcs_"
CAMERA_KEY_PREFIX = "ipcam:"
# endpoint -> methods a station may use (anything else under /api/ is a 403)
ALLOWED = {
    "api_me.me": {"GET"},
    "api_cameras.list_cameras": {"GET"},
    "api_cameras.get_camera": {"GET"},
    "api_cameras.camera_status": {"GET"},
    "api_cameras.stream": {"GET"},
    "api_zones.list_zones": {"GET"},
    "api_runs.create_run": {"POST"},
    "api_runs.update_run": {"PATCH"},
    "api_runs.post_batch": {"POST"},
}


def new_token() -> tuple[str, str]:
    """(secret, its SHA-256 hex): the secret goes to the station's browser only."""
    secret = PREFIX + secrets.token_urlsafe(32)
    return secret, hashlib.sha256(secret.encode()).hexdigest()


def is_station_token(raw: str) -> bool:
    return raw.startswith(PREFIX)


def _refuse(message: str) -> ApiError:
    return ApiError(403, message, "station_scope")


def _own_camera_key(conn, user_id: int, key) -> bool:
    if not isinstance(key, str) or not key.startswith(CAMERA_KEY_PREFIX):
        return False
    number = key[len(CAMERA_KEY_PREFIX):]
    return number.isdigit() and camera_repo.get(conn, user_id, int(number)) is not None


def _check_request(conn, user_id: int) -> None:
    endpoint = request.endpoint or ""
    if request.method not in ALLOWED.get(endpoint, set()) and not (
            request.method in ("HEAD", "OPTIONS") and "GET" in ALLOWED.get(endpoint, set())):
        raise _refuse("A counting-station token can only read its user's IP cameras and "
                      "their zones, and post the counts of camera runs.")
    if endpoint == "api_zones.list_zones" and not _own_camera_key(
            conn, user_id, request.args.get("camera_key")):
        raise _refuse("A counting-station token reads only the zones of its IP cameras.")
    if endpoint == "api_runs.create_run":
        body = request.get_json(silent=True) or {}
        if body.get("source_kind") != "ipcam" or not _own_camera_key(
                conn, user_id, body.get("camera_key")):
            raise _refuse("A counting-station token creates only runs of its IP cameras "
                          "(source_kind ipcam, camera_key ipcam:<id>).")
    if endpoint in ("api_runs.update_run", "api_runs.post_batch"):
        run = run_repo.get(conn, user_id, (request.view_args or {}).get("run_id", 0))
        if run is not None and (run["source_kind"] != "ipcam"
                                or not _own_camera_key(conn, user_id, run["camera_key"])):
            raise _refuse("A counting-station token posts counts only for its IP cameras.")


def authenticate(raw: str) -> None:
    """Sets g.user for a valid station token whose request is in scope; raises otherwise."""
    token_hash = hashlib.sha256(raw.encode()).hexdigest()
    with transaction() as conn:
        user = camera_repo.user_for_station_token(conn, token_hash)
        if user is None:
            raise ApiError(401, "The station token is unknown or revoked.", "invalid_token")
        _check_request(conn, user["id"])
    g.user = user
    g.auth_method = "token"
    g.token_scope = "station"
