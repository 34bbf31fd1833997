"""Make a "distant camera" development set from a shared MOT sequence: a mosaic of the sequence
scaled down (default 3x3 panels at 0.4 scale: 640x480 -> 768x576, people 120-310 px tall
become 48-124 px), each panel the same footage at another time (its own scene), with the
ground truth, the reference lines and one zone per panel mapped into it.

    .venv/bin/python tools/far_view.py --sequence ../shared/data/TUD-Campus
        [--grid 3] [--scale 0.4] [--out test-artifacts/far_view]

Writes <out>/<name>-far/<name>-far.mp4, gt.txt (MOT) and reference_counts.json (the mapped
lines and zones, read by tools/evaluate.py), and prints the paths and the people's heights.
The video is generated, never committed (test-artifacts/ is git-ignored).

Each panel plays the sequence forwards then backwards (ping-pong) from its own offset, so no
person jumps: a person whose panel turns round walks back the way they came. A ground-truth box
is clipped to its panel and kept when at least half of it is inside the panel; identities are
made unique per panel (panel * 100000 + id).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_data import load_mot, reference_lines  # noqa: E402
from tools.harness import REPO, probe_video  # noqa: E402

MIN_VISIBLE_SHARE = 0.5
ID_STRIDE = 100_000


def pingpong_index(step: int, frames: int) -> int:
    """0-based source frame of output step `step` when the clip plays forwards then backwards."""
    if frames == 1:
        return 0
    period = 2 * (frames - 1)
    phase = step % period
    return phase if phase < frames else period - phase


def panel_layout(width: int, height: int, grid: int, scale: float) -> dict:
    """Panel size and the mosaic's size; the panel size is even (video encoders need it)."""
    if grid < 1:
        raise SystemExit("--grid must be 1 or more")
    if not 0.05 <= scale <= 1:
        raise SystemExit("--scale must be in [0.05, 1]")
    panel_width = max(2, int(round(width * scale / 2)) * 2)
    panel_height = max(2, int(round(height * scale / 2)) * 2)
    return {"panel_width": panel_width, "panel_height": panel_height, "grid": grid,
            "width": panel_width * grid, "height": panel_height * grid,
            "scale_x": panel_width / width, "scale_y": panel_height / height}


def panel_offsets(frames: int, panels: int) -> list[int]:
    """Each panel starts at its own point of the ping-pong cycle (evenly spread)."""
    period = max(1, 2 * (frames - 1))
    return [round(index * period / panels) for index in range(panels)]


def map_boxes(gt: dict, frames: int, layout: dict, offsets: list[int], length: int | None = None,
              min_share: float | None = MIN_VISIBLE_SHARE) -> dict[int, list[tuple]]:
    """frame (1-based) -> [(id, box clipped to its panel, share of the box inside the panel)] of
    the mosaic (`length` frames, default `frames`), keeping boxes with at least `min_share` inside
    (None: any part inside)."""
    grid, sx, sy = layout["grid"], layout["scale_x"], layout["scale_y"]
    pw, ph = layout["panel_width"], layout["panel_height"]
    mosaic: dict[int, list] = {}
    for step in range(length or frames):
        rows = []
        for panel, offset in enumerate(offsets):
            source = pingpong_index(step + offset, frames) + 1
            left, top = (panel % grid) * pw, (panel // grid) * ph
            for identity, (x1, y1, x2, y2) in gt.get(source, []):
                box = (left + x1 * sx, top + y1 * sy, left + x2 * sx, top + y2 * sy)
                clipped = (max(box[0], left), max(box[1], top), min(box[2], left + pw), min(box[3], top + ph))
                area = (box[2] - box[0]) * (box[3] - box[1])
                inside = max(0.0, clipped[2] - clipped[0]) * max(0.0, clipped[3] - clipped[1])
                if area > 0 and inside > 0 and (min_share is None or inside / area >= min_share):
                    rows.append((panel * ID_STRIDE + identity, clipped, inside / area))
        mosaic[step + 1] = rows
    return mosaic


def map_ground_truth(gt: dict, frames: int, layout: dict, offsets: list[int],
                     length: int | None = None) -> dict[int, list[tuple[int, tuple]]]:
    """frame (1-based) -> [(id, box)] of the mosaic (`length` frames, default `frames`): the people
    at least MIN_VISIBLE_SHARE inside their panel."""
    return {frame: [(identity, box) for identity, box, _ in rows]
            for frame, rows in map_boxes(gt, frames, layout, offsets, length).items()}


def map_lines_and_zones(lines: list[dict], layout: dict) -> tuple[list[dict], list[dict]]:
    """Each reference line once per panel (same direction), and each panel as a zone."""
    grid, sx, sy = layout["grid"], layout["scale_x"], layout["scale_y"]
    pw, ph = layout["panel_width"], layout["panel_height"]
    mapped, zones = [], []
    for panel in range(grid * grid):
        left, top = (panel % grid) * pw, (panel // grid) * ph
        for line in lines:
            mapped.append({"id": f"p{panel + 1}_{line['id']}",
                           "a": [round(left + line["a"][0] * sx, 2), round(top + line["a"][1] * sy, 2)],
                           "b": [round(left + line["b"][0] * sx, 2), round(top + line["b"][1] * sy, 2)]})
        zones.append({"id": f"panel{panel + 1}",
                      "polygon": [[left, top], [left + pw, top], [left + pw, top + ph], [left, top + ph]]})
    return mapped, zones


def write_mot_rows(path: Path, frames: dict[int, list]) -> None:
    rows = []
    for frame in sorted(frames):
        for identity, (x1, y1, x2, y2) in sorted(frames[frame]):
            rows.append(f"{frame},{identity},{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},1,-1,-1,-1")
    path.write_text("\n".join(rows) + "\n")


def scaled_frames(video: Path, layout: dict) -> list[np.ndarray]:
    """Every frame scaled to the panel size (area averaging: what a camera further away sees), RGB."""
    pw, ph = layout["panel_width"], layout["panel_height"]
    command = ["ffmpeg", "-v", "error", "-i", str(video), "-map", "0:v:0", "-vsync", "passthrough",
               "-vf", f"scale={pw}:{ph}:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(command, check=True, capture_output=True).stdout
    size = pw * ph * 3
    return [np.frombuffer(raw[i:i + size], np.uint8).reshape(ph, pw, 3) for i in range(0, len(raw) - size + 1, size)]


def write_video(path: Path, frames: list[np.ndarray], offsets: list[int], layout: dict, fps: float,
                length: int | None = None) -> None:
    grid, pw, ph = layout["grid"], layout["panel_width"], layout["panel_height"]
    command = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{layout['width']}x{layout['height']}", "-r", f"{fps:g}", "-i", "-",
               "-c:v", "libx264", "-preset", "medium", "-crf", "16", "-pix_fmt", "yuv420p", str(path)]
    with subprocess.Popen(command, stdin=subprocess.PIPE) as process:
        mosaic = np.zeros((layout["height"], layout["width"], 3), np.uint8)
        for step in range(length or len(frames)):
            for panel, offset in enumerate(offsets):
                left, top = (panel % grid) * pw, (panel // grid) * ph
                mosaic[top:top + ph, left:left + pw] = frames[pingpong_index(step + offset, len(frames))]
            process.stdin.write(mosaic.tobytes())
        process.stdin.close()
        if process.wait() != 0:
            raise SystemExit(f"ffmpeg could not write {path}")


def make_far_view(sequence: Path, out: Path, grid: int = 3, scale: float = 0.4, length: int | None = None) -> dict:
    """The far view of `sequence` in out/<name>-far/; `length`: its first frames only (default all)."""
    name = sequence.name
    video = sequence / f"{name}.mp4"
    if not video.exists():
        raise SystemExit(f"no video at {video}")
    info = probe_video(video)
    gt = load_mot(sequence / "gt.txt")
    layout = panel_layout(info.width, info.height, grid, scale)
    frames = scaled_frames(video, layout)
    if len(frames) != info.frames:
        raise SystemExit(f"{video}: decoded {len(frames)} frames, ffprobe counted {info.frames}")
    offsets = panel_offsets(len(frames), grid * grid)
    if length is not None and not 1 <= length <= len(frames):
        raise SystemExit(f"--frames must be within 1..{len(frames)}")
    length = length or len(frames)
    target = out / f"{name}-far"
    target.mkdir(parents=True, exist_ok=True)
    out_video = target / f"{name}-far.mp4"
    write_video(out_video, frames, offsets, layout, info.fps, length)
    mosaic_gt = map_ground_truth(gt, len(frames), layout, offsets, length)
    write_mot_rows(target / "gt.txt", mosaic_gt)
    lines, zones = map_lines_and_zones(reference_lines(video, info.width, info.height), layout)
    heights = [box[3] - box[1] for rows in mosaic_gt.values() for _, box in rows]
    meta = {"source": str(sequence), "width": layout["width"], "height": layout["height"], "frames": length,
            "fps": info.fps, "grid": grid, "scale": scale, "panel_offsets": offsets,
            "lines": lines, "zones": zones,
            "person_height": {"min": round(min(heights), 1), "median": round(float(np.median(heights)), 1),
                              "max": round(max(heights), 1)} if heights else None}
    (target / "reference_counts.json").write_text(json.dumps(meta, indent=1) + "\n")
    return {"video": str(out_video), "gt": str(target / "gt.txt"), **meta}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sequence", type=Path, action="append", required=True,
                        help="a shared sequence folder (NAME/NAME.mp4, gt.txt, reference_counts.json); repeatable")
    parser.add_argument("--grid", type=int, default=3, help="panels per side (default 3)")
    parser.add_argument("--scale", type=float, default=0.4, help="scale of each panel (default 0.4)")
    parser.add_argument("--frames", type=int, default=None, help="only the first N frames (default: as many as the sequence)")
    parser.add_argument("--out", type=Path, default=REPO / "test-artifacts" / "far_view")
    args = parser.parse_args(argv)
    for sequence in args.sequence:
        made = make_far_view(sequence, args.out, args.grid, args.scale, args.frames)
        print(f"{made['video']}: {made['width']}x{made['height']}, {made['frames']} frames, "
              f"{len(made['lines'])} lines, {len(made['zones'])} zones, person height {made['person_height']}")
        print(f"  gt: {made['gt']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
