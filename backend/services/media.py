"""Video containers recognised by their first bytes, and metadata read with ffprobe."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SNIFF_BYTES = 64
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


@dataclass(frozen=True)
class Container:
    content_type: str
    extension: str


def sniff_container(head: bytes) -> Container | None:
    """The container of a file from its first bytes: MP4/MOV (ISO BMFF `ftyp` box, or a
    QuickTime atom), WebM/Matroska (EBML header), AVI (RIFF....AVI ); None otherwise."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return Container("video/quicktime", ".mov")
        return Container("video/mp4", ".mp4")
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return Container("video/quicktime", ".mov")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:SNIFF_BYTES]:
            return Container("video/webm", ".webm")
        return Container("video/x-matroska", ".mkv")
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Container("video/x-msvideo", ".avi")
    return None


def _fraction(text: str | None) -> float | None:
    if not text or text in ("0/0", "N/A"):
        return None
    try:
        if "/" in text:
            numerator, denominator = text.split("/", 1)
            value = float(numerator) / float(denominator)
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def parse_ffprobe(report: dict) -> dict:
    """duration_s, width, height, fps from ffprobe's JSON (missing values are None)."""
    video = next((s for s in report.get("streams", []) if s.get("codec_type") == "video"), {})
    duration = _fraction(str(report.get("format", {}).get("duration") or "")) or \
        _fraction(str(video.get("duration") or ""))
    fps = _fraction(video.get("avg_frame_rate")) or _fraction(video.get("r_frame_rate"))
    width, height = video.get("width"), video.get("height")
    return {
        "duration_s": round(duration, 3) if duration else None,
        "width": int(width) if isinstance(width, int) and width > 0 else None,
        "height": int(height) if isinstance(height, int) and height > 0 else None,
        "fps": round(fps, 3) if fps and fps < 1000 else None,
    }


def probe(path: Path, ffprobe_bin: str = "ffprobe", timeout: float = 30.0) -> dict:
    """Metadata of a video file; all None when ffprobe is missing or cannot read the file."""
    empty = {"duration_s": None, "width": None, "height": None, "fps": None}
    executable = shutil.which(ffprobe_bin)
    if executable is None:
        return empty
    try:
        completed = subprocess.run(
            [executable, "-v", "error", "-print_format", "json", "-show_format",
             "-show_streams", str(path)],
            capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return empty
    if completed.returncode != 0:
        return empty
    try:
        return parse_ffprobe(json.loads(completed.stdout or b"{}"))
    except (ValueError, TypeError, AttributeError):
        return empty
