"""backend/services/media.py: the container of an upload told by its first bytes, and the
metadata read from ffprobe's report."""
from __future__ import annotations

import pytest

from backend.services.media import parse_ffprobe, sniff_container


@pytest.mark.parametrize("head, expected", [
    (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
    (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
    (b"RIFF\x24\x00\x00\x00AVI LIST", "video/x-msvideo"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    (b"<html><body>not a video</body></html>", None),
    (b"", None),
])
def test_sniff_container_by_magic_bytes(head, expected):
    found = sniff_container(head)
    assert (found.content_type if found else None) == expected


def test_parse_ffprobe_reads_rational_frame_rates():
    report = {"format": {"duration": "12.5"}, "streams": [
        {"codec_type": "audio"},
        {"codec_type": "video", "width": 640, "height": 480, "avg_frame_rate": "30000/1001"}]}
    assert parse_ffprobe(report) == {"duration_s": 12.5, "width": 640, "height": 480,
                                     "fps": 29.97}
    assert parse_ffprobe({}) == {"duration_s": None, "width": None, "height": None,
                                 "fps": None}
