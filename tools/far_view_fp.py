"""What a far view's false positives are, one by one: the sure boxes (score >= 0.25) looked at that
match nobody in a tools/evaluate.py recording (matched as the evaluator matches them: one to one,
IoU >= 0.5, the best total), each put in the first class that applies:

- second box: overlaps the box matched to a person (IoU >= 0.3 with it, or >= 0.6 of the smaller box
  inside the other); printed with the IoU and containment;
- dropped by the far view: a person of the source sequence's ground truth that tools/far_view.py
  leaves out because less than half of their box is inside the panel (MIN_VISIBLE_SHARE) is under
  the box (IoU >= 0.5 with that person's box clipped to the panel): a scorer artefact;
- unlabelled at the frame's edge: IoU >= 0.3 with a person of the source ground truth carried on
  past the frames where it labels them, at the source frame's edge (carried_on(): their last box
  moved on sideways at their last velocity; a guess of where they are, printed with the share of
  that box inside the picture);
- near miss: IoU 0.3-0.5 with a person looked at and left unmatched (a miss too);
- two people: the box holds at least half of each of two people's boxes;
- dropped (near): IoU 0.3-0.5 with such a dropped person;
- panel edge, nobody there: within 3 px of a panel's (source frame's) edge, no person of the source
  ground truth (even out of the panel) under it;
- seam: touches an inner border of a crop run on that frame;
- other.

    .venv/bin/python tools/far_view_fp.py --detections test-artifacts/evaluate/V.detections.json \\
        --gt test-artifacts/far_view/V/gt.txt [--png-dir test-artifacts/far_view_fp] [--list]

On a full-size sequence (--gt ../shared/data/NAME/gt.txt) the "panel" is the frame itself.

Also prints the precision with the boxes of the "unlabelled at the frame's edge" kind left out
(neither right nor wrong), beside the evaluator's. With --png-dir, writes each false positive's
neighbourhood (x4; the box in red, the ground truth in green, people carried on in yellow, people
the far view drops in blue) as PNG.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools import far_view  # noqa: E402
from tools.eval_data import load_mot  # noqa: E402
from tools.eval_scoring import DETECTION_SCORE, looked_at  # noqa: E402
from tools.far_view_errors import EDGE_MARGIN, at_zone_edge, iou, optimal_match  # noqa: E402

UNLABELLED_IOU = 0.3  # a false box this near a person carried on past their labelled frames is on them
EDGE_SLACK = 10  # source px: a track ending this near the frame's edge ends there
CLASSES = ("second box", "dropped by the far view", "unlabelled at the frame's edge", "near miss", "two people", "dropped (near)",
           "panel edge, nobody there", "seam", "other")


def containment(a, b) -> float:
    """The share of the smaller of the two boxes inside the other."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller > 0 else 0.0


def share_inside(person, box) -> float:
    width = min(person[2], box[2]) - max(person[0], box[0])
    height = min(person[3], box[3]) - max(person[1], box[1])
    area = (person[2] - person[0]) * (person[3] - person[1])
    return width * height / area if width > 0 and height > 0 and area > 0 else 0.0


def to_mosaic(source: dict[int, list], meta: dict, width: int, height: int, frames: int) -> dict[int, list]:
    """Source rows (source frame -> [(id, box)]) mapped into the mosaic as tools/far_view.py maps
    the ground truth, but keeping everyone with any part inside their panel: mosaic frame ->
    [(id, box clipped to the panel, share of the box inside it)]."""
    layout = far_view.panel_layout(width, height, meta["grid"], meta["scale"])
    return far_view.map_boxes(source, frames, layout, meta["panel_offsets"], meta["frames"], min_share=None)


def carried_on(gt: dict[int, list], width: int, frames: int, frames_out: int = 8) -> dict[int, list]:
    """People the ground truth stops (or starts) labelling at the frame's edge, where they may
    still be in the picture: each identity whose last (first) labelled box is within EDGE_SLACK px
    of the left or right edge, or across it, carried on (back) sideways at the mean horizontal
    velocity of its last (first) 3 labelled frames for up to `frames_out` frames, until it leaves
    the frame: source frame -> [(id, box)]. A guess of where they are, not an annotation."""
    tracks: dict[int, dict[int, tuple]] = defaultdict(dict)
    for frame, rows in gt.items():
        for identity, box in rows:
            tracks[identity][frame] = tuple(box)
    guessed: dict[int, list] = defaultdict(list)
    for identity, boxes in tracks.items():
        labelled = sorted(boxes)
        for end, step in ((labelled[-1], 1), (labelled[0], -1)):
            near = labelled[-3:] if step == 1 else labelled[:3]
            if len(near) < 2:
                continue
            base = np.asarray(boxes[end], float)
            if base[0] > EDGE_SLACK and base[2] < width - EDGE_SLACK:
                continue  # the track ends inside the picture (hidden, or the clip ends): not at its edge
            velocity = (boxes[near[-1]][0] - boxes[near[0]][0]) / (near[-1] - near[0])
            for k in range(1, frames_out + 1):
                frame = end + step * k
                if not 1 <= frame <= frames or frame in boxes:
                    continue
                box = base + np.array([1.0, 0.0, 1.0, 0.0]) * velocity * step * k
                if box[2] <= 0 or box[0] >= width:
                    break
                guessed[frame].append((identity, tuple(box)))
    return dict(guessed)


def source_of(meta: dict) -> tuple[dict, int, int, int]:
    """The source sequence's ground truth, width, height and frame count."""
    from tools.harness import probe_video

    sequence = Path(meta["source"])
    info = probe_video(sequence / f"{sequence.name}.mp4")
    return load_mot(sequence / "gt.txt"), info.width, info.height, info.frames


def touches_inner_border(box, regions, width, height, margin=2.0) -> bool:
    for region in regions or []:
        right, bottom = region["x"] + region["width"], region["y"] + region["height"]
        if not (box[2] > region["x"] and box[0] < right and box[3] > region["y"] and box[1] < bottom):
            continue
        if ((region["x"] > margin and abs(box[0] - region["x"]) <= margin)
                or (region["y"] > margin and abs(box[1] - region["y"]) <= margin)
                or (right < width - margin and abs(box[2] - right) <= margin)
                or (bottom < height - margin and abs(box[3] - bottom) <= margin)):
            return True
    return False


def classify(frames: list[dict], gt: dict, full: dict, width: int, height: int, zones: list[dict],
             guessed: dict | None = None) -> list[dict]:
    """One dict per false positive: frame, box, score, class, and what it overlaps."""
    found = []
    for frame in frames:
        observed = frame.get("observed")
        index = frame["frameIndex"]
        sure = [i for i in range(frame["count"]) if frame["scores"][i] >= DETECTION_SCORE]
        boxes = [frame["boxes"][4 * i:4 * i + 4] for i in sure]
        truth = [box for _, box in gt.get(index, [])]
        truth_looked = [looked_at(box, observed, width, height) for box in truth]
        matched = optimal_match(truth, boxes)
        box_to_truth = {b: p for p, b in matched.items()}
        kept = {identity for identity, _ in gt.get(index, [])}
        dropped = [(identity, box, share) for identity, box, share in full.get(index, [])
                   if share < far_view.MIN_VISIBLE_SHARE and identity not in kept]
        for j, box in enumerate(boxes):
            if not looked_at(box, observed, width, height, margin=0) or j in box_to_truth:
                continue
            row = {"frame": index, "box": [round(float(v), 1) for v in box], "score": float(frame["scores"][sure[j]]),
                   "aspect": (box[2] - box[0]) / max(1e-6, box[3] - box[1]), "height": box[3] - box[1]}
            partners = [(iou(box, boxes[b]), containment(box, boxes[b]), b) for b in box_to_truth if b != j]
            best = max(partners, default=(0.0, 0.0, -1))
            best_contain = max(partners, key=lambda p: p[1], default=(0.0, 0.0, -1))
            row["partner_iou"], row["partner_contain"] = best[0], best_contain[1]
            person_overlaps = [(iou(box, person), p) for p, person in enumerate(truth)]
            drop_overlaps = [(iou(box, person), share, identity) for identity, person, share in dropped]
            best_drop = max(drop_overlaps, default=(0.0, 0.0, 0))
            row["dropped_iou"], row["dropped_share"] = best_drop[0], best_drop[1]
            guess = max(((iou(box, person), share) for _, person, share in (guessed or {}).get(index, [])), default=(0.0, 0.0))
            row["guessed_iou"], row["guessed_share"] = guess
            held = [p for p, person in enumerate(truth) if share_inside(person, box) >= 0.5]
            anyone = [person for _, person, _ in full.get(index, []) if iou(box, person) > 0.1 or share_inside(person, box) > 0.3]
            if best[0] >= 0.3 or best_contain[1] >= 0.6:
                kind = "second box"
            elif best_drop[0] >= 0.5:
                kind = "dropped by the far view"
            elif guess[0] >= UNLABELLED_IOU:
                kind = "unlabelled at the frame's edge"
            elif any(value >= 0.3 and p not in matched and truth_looked[p] for value, p in person_overlaps):
                kind = "near miss"
            elif len(held) >= 2:
                kind = "two people"
            elif best_drop[0] >= 0.3:
                kind = "dropped (near)"
            elif at_zone_edge(box, zones, width, height, EDGE_MARGIN) and not anyone:
                kind = "panel edge, nobody there"
            elif touches_inner_border(box, observed, width, height):
                kind = "seam"
            else:
                kind = "other"
            row["class"] = kind
            row["edge"] = at_zone_edge(box, zones, width, height, EDGE_MARGIN)
            found.append(row)
    return found


def counted(frames: list[dict], gt: dict, width: int, height: int, guessed: dict | None = None,
            guessed_iou: float = UNLABELLED_IOU) -> tuple[int, int]:
    """(true positives, boxes counted) as tools/evaluate.py counts precision; with `guessed`
    (carried_on() mapped by to_mosaic()), a box matching nobody that overlaps a person carried on past their labelled
    frames at IoU >= guessed_iou is not counted (neither right nor wrong, as a detection of
    someone not looked at)."""
    right = total = 0
    for frame in frames:
        observed = frame.get("observed")
        boxes = [frame["boxes"][4 * i:4 * i + 4] for i in range(frame["count"]) if frame["scores"][i] >= DETECTION_SCORE]
        truth = [box for _, box in gt.get(frame["frameIndex"], [])]
        matched = optimal_match(truth, boxes)
        owner = {b: p for p, b in matched.items()}
        for j, box in enumerate(boxes):
            if j in owner:
                hit = looked_at(truth[owner[j]], observed, width, height)
                right += hit
                total += hit
            elif not any(iou(box, person) >= guessed_iou for _, person, _ in (guessed or {}).get(frame["frameIndex"], [])):
                total += looked_at(box, observed, width, height, margin=0)
    return right, total


def save_png(path: Path, picture: np.ndarray, row: dict, gt_boxes: list, dropped: list, guessed: list) -> None:
    from PIL import Image, ImageDraw

    x1, y1, x2, y2 = row["box"]
    h = max(y2 - y1, 40)
    left, top = int(max(0, x1 - h)), int(max(0, y1 - h / 2))
    right, bottom = int(min(picture.shape[1], x2 + h)), int(min(picture.shape[0], y2 + h / 2))
    zoom = 4
    image = Image.fromarray(picture[top:bottom, left:right, :3]).resize(((right - left) * zoom, (bottom - top) * zoom),
                                                                       Image.NEAREST)
    draw = ImageDraw.Draw(image)

    def rect(box, colour):
        draw.rectangle([(box[0] - left) * zoom, (box[1] - top) * zoom, (box[2] - left) * zoom, (box[3] - top) * zoom],
                       outline=colour, width=2)
    for box in gt_boxes:
        rect(box, (0, 255, 0))
    for box in dropped:
        rect(box, (0, 128, 255))
    for box in guessed:
        rect(box, (255, 255, 0))
    rect(row["box"], (255, 0, 0))
    image.save(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--png-dir", type=Path)
    parser.add_argument("--list", action="store_true", help="print every false positive")
    args = parser.parse_args(argv)
    recorded = json.loads(args.detections.read_text())
    width, height = recorded["width"], recorded["height"]
    meta = json.loads((args.gt.parent / "reference_counts.json").read_text())
    if "panel_offsets" not in meta:  # a full-size sequence: one "panel", the frame itself
        frames = len(recorded["frames"])
        meta = {"source": str(args.gt.parent), "grid": 1, "scale": 1.0, "panel_offsets": [0], "frames": frames,
                "zones": [{"polygon": [[0, 0], [width, 0], [width, height], [0, height]]}]}
    gt = load_mot(args.gt)
    source, source_width, source_height, source_frames = source_of(meta)
    full = to_mosaic(source, meta, source_width, source_height, source_frames)
    guessed = to_mosaic(carried_on(source, source_width, source_frames), meta, source_width, source_height, source_frames)
    rows = classify(recorded["frames"], gt, full, width, height, meta["zones"], guessed)
    right, total = counted(recorded["frames"], gt, width, height)
    kept_right, kept_total = counted(recorded["frames"], gt, width, height, guessed)
    print(f"{Path(recorded['video']).name}: {len(rows)} false positives of {total} boxes counted "
          f"(precision {right / max(1, total):.3f})")
    print(f"  precision with the boxes on people the ground truth leaves out at the frame's edge not counted "
          f"(IoU >= {UNLABELLED_IOU} with their box carried on): {kept_right / max(1, kept_total):.3f} "
          f"({kept_total - kept_right} false of {kept_total})")
    for kind in CLASSES:
        members = [row for row in rows if row["class"] == kind]
        if not members:
            continue
        scores = np.array([row["score"] for row in members])
        aspects = np.array([row["aspect"] for row in members])
        print(f"  {kind}: {len(members)} (at a panel edge {sum(row['edge'] for row in members)}; score median "
              f"{np.median(scores):.2f}, under 0.4 {int((scores < 0.4).sum())}; width/height median {np.median(aspects):.2f}, "
              f"under 0.2 {int((aspects < 0.2).sum())})")
    seconds = [row for row in rows if row["class"] == "second box"]
    if seconds:
        print("  second boxes, IoU / containment with the matched box: "
              + ", ".join(f"{row['partner_iou']:.2f}/{row['partner_contain']:.2f}" for row in seconds))
    unlabelled = [row for row in rows if row["class"] == "unlabelled at the frame's edge"]
    if unlabelled:
        shares = np.array([row["guessed_share"] for row in unlabelled])
        print(f"  unlabelled at the frame's edge, share of the carried-on box inside the picture: under 0.5 "
              f"{int((shares < 0.5).sum())}, 0.5 or more {int((shares >= 0.5).sum())}; IoU with it median "
              f"{np.median([row['guessed_iou'] for row in unlabelled]):.2f}")
    if args.list:
        for row in rows:
            print(f"    frame {row['frame']} {row['class']}: box {row['box']} score {row['score']:.2f} "
                  f"w/h {row['aspect']:.2f} h {row['height']:.0f} partner IoU {row['partner_iou']:.2f} "
                  f"contain {row['partner_contain']:.2f} dropped IoU {row['dropped_iou']:.2f} "
                  f"(share inside {row['dropped_share']:.2f}) carried-on IoU {row['guessed_iou']:.2f} "
                  f"(share inside {row['guessed_share']:.2f})")
    if args.png_dir:
        import subprocess
        args.png_dir.mkdir(parents=True, exist_ok=True)
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", recorded["video"], "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             capture_output=True, check=True).stdout
        pictures = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
        for number, row in enumerate(rows):
            dropped = [box for _, box, share in full.get(row["frame"], []) if share < far_view.MIN_VISIBLE_SHARE]
            kind = "".join(c if c.isalnum() else "_" for c in row["class"])
            save_png(args.png_dir / f"{number:03d}_f{row['frame']}_{kind}.png", pictures[row["frame"] - 1], row,
                     [box for _, box in gt.get(row["frame"], [])], dropped,
                     [box for _, box, _ in guessed.get(row["frame"], [])])
        print(f"  PNGs in {args.png_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
