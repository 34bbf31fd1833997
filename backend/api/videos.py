"""Videos: streamed upload with a size limit and container sniffing, list, metadata, delete,
and playback with HTTP Range requests."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import marshmallow as ma
from flask import current_app, request, send_file, url_for
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from ..db import transaction
from ..errors import ApiError
from ..repositories import videos as video_repo
from ..services import media
from ..services.uploads import UploadError, receive_file
from .common import (ID_CONVERTER, PageArgs, UtcTime, current_user_id, field_error,
                     not_found, page_envelope, require_user)

blp = Blueprint("api_videos", __name__, url_prefix="/api/videos",
                description="Uploaded videos: upload, list, metadata, playback, delete")
blp.before_request(require_user)
MAX_NAME = 255


class VideoSchema(ma.Schema):
    id = ma.fields.Integer()
    original_name = ma.fields.String()
    content_type = ma.fields.String()
    size_bytes = ma.fields.Integer()
    duration_s = ma.fields.Float(allow_none=True)
    width = ma.fields.Integer(allow_none=True)
    height = ma.fields.Integer(allow_none=True)
    fps = ma.fields.Float(allow_none=True)
    created_at = UtcTime()
    content_url = ma.fields.Method("_content_url")

    def _content_url(self, video):
        return url_for("api_videos.content", video_id=video["id"])


class VideoPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(VideoSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def _clean_name(filename: str) -> str:
    name = os.path.basename(filename.replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    name = name.encode("utf-8", "replace").decode("utf-8")[:MAX_NAME]
    return name or "video"


@blp.route("")
@blp.arguments(PageArgs, location="query")
@blp.response(200, VideoPageSchema)
def list_videos(args):
    """The user's videos, newest first."""
    with transaction() as conn:
        items, total = video_repo.list_page(conn, current_user_id(), args["page"],
                                            args["per_page"])
    return page_envelope(items, args["page"], args["per_page"], total)


@blp.route("", methods=["POST"])
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(201, VideoSchema)
@blp.alt_response(413, description="The file is larger than MAX_UPLOAD_MB")
@blp.alt_response(415, description="Not an MP4, MOV, WebM, Matroska or AVI file")
def upload_video():
    """Upload a video (multipart field `file`), streamed to disk. The container is
    recognised from the file's first bytes; metadata comes from ffprobe when installed."""
    user_id = current_user_id()
    if not (request.mimetype or "").startswith("multipart/form-data"):
        raise field_error("file", "Send the video as multipart/form-data, field 'file'.")
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        received = receive_file(request.environ, folder, "file", _max_upload_bytes())
    except UploadError as exc:
        raise field_error(exc.field, exc.message) from None
    except RequestEntityTooLarge:
        # werkzeug's own words ("The data value transmitted exceeds the capacity limit.")
        # reached the page as they were.
        limit = current_app.config["MAX_UPLOAD_MB"]
        raise ApiError(413, f"The file is larger than the upload limit of {limit} MB.",
                       "request_entity_too_large") from None
    try:
        with open(received.path, "rb") as handle:
            container = media.sniff_container(handle.read(media.SNIFF_BYTES))
        if container is None:
            raise ApiError(415, "Not a video this app can play: upload MP4, MOV, WebM, "
                           "Matroska or AVI.", "unsupported_media_type",
                           fields={"file": ["Unrecognised video container."]})
        stored_name = secrets.token_hex(16) + container.extension
        final_path = folder / stored_name
        os.replace(received.path, final_path)
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    try:
        metadata = media.probe(final_path, current_app.config["FFPROBE_BIN"])
        with transaction() as conn:
            video_id = video_repo.create(
                conn, user_id, original_name=_clean_name(received.filename),
                stored_name=stored_name, content_type=container.content_type,
                size_bytes=received.size_bytes, metadata=metadata)
            video = video_repo.get(conn, user_id, video_id)
    except BaseException:
        final_path.unlink(missing_ok=True)
        raise
    return video, 201, {"Location": url_for("api_videos.get_video", video_id=video_id)}


@blp.route(f"/<{ID_CONVERTER}:video_id>")
@blp.response(200, VideoSchema)
def get_video(video_id: int):
    """One video's metadata."""
    with transaction() as conn:
        video = video_repo.get(conn, current_user_id(), video_id)
    if video is None:
        raise not_found("video")
    return video


@blp.route(f"/<{ID_CONVERTER}:video_id>", methods=["DELETE"])
@blp.response(204)
def delete_video(video_id: int):
    """Delete a video, its file and its zones (runs keep their counts)."""
    with transaction() as conn:
        stored_name = video_repo.delete(conn, current_user_id(), video_id)
    if stored_name is None:
        raise not_found("video")
    (upload_dir() / stored_name).unlink(missing_ok=True)
    return None


@blp.route(f"/<{ID_CONVERTER}:video_id>/content")
@blp.doc(responses={"200": {"description": "The video file",
                            "content": {"video/*": {"schema": {"type": "string",
                                                               "format": "binary"}}}},
                    "206": {"description": "Partial content (Range request)"}})
def content(video_id: int):
    """The video file for playback; honours HTTP Range requests (206 Partial Content)."""
    with transaction() as conn:
        video = video_repo.get(conn, current_user_id(), video_id)
    if video is None:
        raise not_found("video")
    path = upload_dir() / video["stored_name"]
    if not path.is_file():
        raise ApiError(404, "The video file is missing on the server.", "not_found")
    return send_file(path, mimetype=video["content_type"], conditional=True,
                     download_name=video["original_name"], max_age=0, etag=True)
