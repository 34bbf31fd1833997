"""A multipart upload streamed straight into a temporary file in the upload folder."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from werkzeug.formparser import parse_form_data


@dataclass
class ReceivedFile:
    path: Path          # temporary file in the upload folder; the caller renames or deletes it
    filename: str
    size_bytes: int


class UploadError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# Werkzeug applies this limit to its undecoded buffer, which holds file data too (it reads
# 64 KiB at a time), so it must sit well above the read size; file parts still go to disk.
FORM_MEMORY_LIMIT = 1024 * 1024


def receive_file(environ: dict, upload_dir: Path, field: str, max_bytes: int) -> ReceivedFile:
    """Parses the request body (multipart/form-data) writing file parts to disk as they
    arrive; werkzeug raises RequestEntityTooLarge (413) past max_bytes. Every temporary file
    except the returned one is removed."""
    created: list[str] = []

    def stream_factory(total_content_length, content_type, filename, content_length=None):
        handle = tempfile.NamedTemporaryFile(dir=upload_dir, prefix=".incoming-",
                                             delete=False)
        created.append(handle.name)
        return handle

    kept: str | None = None
    try:
        _, form, files = parse_form_data(environ, stream_factory=stream_factory,
                                         max_content_length=max_bytes,
                                         max_form_memory_size=FORM_MEMORY_LIMIT)
        storage = files.get(field)
        if storage is None or not storage.filename:
            raise UploadError(field, "Choose a video file to upload (form field 'file').")
        storage.stream.flush()
        kept = storage.stream.name
        size = os.path.getsize(kept)
        for part in files.values():
            part.stream.close()
        if size == 0:
            raise UploadError(field, "The file is empty.")
        return ReceivedFile(Path(kept), storage.filename, size)
    except BaseException:
        kept = None
        raise
    finally:
        for name in created:
            if name != kept:
                try:
                    os.unlink(name)
                except FileNotFoundError:
                    pass
