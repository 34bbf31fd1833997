"""Turns one evaluation run (ours, the ground-truth reference, optionally the peer) into figures."""
from __future__ import annotations

import json
from pathlib import Path

from tools.eval_metrics import (detection_precision_recall_where, match_events, mean_absolute_error, mot_metrics,
                                net_events)

DETECTION_SCORE = 0.25  # detections at or above this start tracks (the tracker's high threshold)


# The tracker's observedMargin (frontend/js/tracker/byte_tracker.js): a box this share of its
# height from a crop's inner border is looked at by that crop.
LOOKED_AT_MARGIN = 0.1


def _held_whole(region: dict, box, width: float, height: float, margin: float) -> bool:
    """Mirrors holdsWhole() of frontend/js/tracker/observed.js: the box within the region's
    borders (with margin x its height to spare), except those on the frame's edge."""
    x1, y1, x2, y2 = box
    pad = margin * (y2 - y1)
    right, bottom = region["x"] + region["width"], region["y"] + region["height"]
    return ((region["x"] <= 1 or x1 - pad >= region["x"]) and (region["y"] <= 1 or y1 - pad >= region["y"])
            and (right >= width - 1 or x2 + pad <= right) and (bottom >= height - 1 or y2 + pad <= bottom)
            and x2 > region["x"] and x1 < right and y2 > region["y"] and y1 < bottom)


def looked_at(box, observed: list[dict] | None, width: float, height: float, margin: float = LOOKED_AT_MARGIN) -> bool:
    """Was the box looked at on a frame whose detector ran `observed` (None: the whole frame)?
    Mirrors isObserved() of frontend/js/tracker/observed.js, with the tracker's margin: ground
    truth and detections this near a crop's inner border are left to the crop that holds them
    whole (its detection near the border may be cut and dropped as a fragment)."""
    if observed is None:
        return True
    return any(box[3] - box[1] >= region.get("minHeight", 0) and _held_whole(region, box, width, height, margin)
               for region in observed)


def _covers_frame(region: dict, width: float, height: float) -> bool:
    return (region["x"] <= 1 and region["y"] <= 1 and region["x"] + region["width"] >= width - 1
            and region["y"] + region["height"] >= height - 1)


def plan_weight(box, planned: list[dict] | None, observed: list[dict] | None, width: float, height: float) -> float:
    """The weight of a person looked at in the recall weighted as at full size: 1 / the crops of the
    frame's plan that hold them whole (1 without a plan, or when the plan's whole-frame run, which
    runs every frame, looked at them: `observed` holds it with its minHeight). With crops in turn
    every crop runs equally often, so a person two crops hold is looked at twice as often as one a
    single crop holds: the plain recall where looked at counts them twice, full size counts everyone
    once a frame."""
    if not planned:
        return 1.0
    if any(_covers_frame(region, width, height) for region in observed or []) \
            and looked_at(box, [r for r in observed if _covers_frame(r, width, height)], width, height):
        return 1.0
    holding = sum(1 for region in planned
                  if not _covers_frame(region, width, height) and _held_whole(region, box, width, height, LOOKED_AT_MARGIN))
    return 1.0 / holding if holding else 1.0


def _line_figures(line_id, counted: dict, events: list[dict], reference_final: dict, reference_events: list[dict], fps):
    reference_counted = reference_final["lines"][line_id]
    ours = [{"frameIndex": e["frameIndex"], "direction": e["type"]} for e in net_events(events, line_id)]
    truth = [{"frameIndex": e["frameIndex"], "direction": e["type"]} for e in net_events(reference_events, line_id)]
    return {"in": counted["in"], "out": counted["out"],
            "reference_in": reference_counted["in"], "reference_out": reference_counted["out"],
            "events": match_events(ours, truth, fps)}


def _readme_rule_a(video: Path, lines: list[dict]) -> dict:
    """The README's rule A counts for the reference lines, in our in/out convention."""
    path = video.parent / "reference_counts.json"
    if not path.exists():
        return {}
    reference = json.loads(path.read_text())
    figures = {}
    for line in lines:
        if line["id"] == "horizontal_line" and "horizontal_line" in reference:
            rule = reference["horizontal_line"]["ruleA_first_last"]
            figures[line["id"]] = {"in": rule["down"], "out": rule["up"]}
        elif line["id"] == "vertical_line" and "vertical_line" in reference:
            rule = reference["vertical_line"]["ruleA_first_last"]
            figures[line["id"]] = {"in": rule["left"], "out": rule["right"]}
    return figures


def _occupancy(per_frame_tracks: list[int], per_frame_zones: list[dict], zones, gt_counts, reference,
               frames: list[int] | None = None) -> dict:
    """Occupancy MAE on the frames run (`frames`: their indices, all of the reference's when None)."""
    figures = {"frame": mean_absolute_error(per_frame_tracks, gt_counts)}
    by_index = {frame["frameIndex"]: frame for frame in reference["perFrame"]}
    kept = reference["perFrame"] if frames is None else [by_index[f] for f in frames]
    for zone in zones:
        predicted = [frame_zones[zone["id"]]["occupancy"] for frame_zones in per_frame_zones]
        truth = [frame["zones"][zone["id"]]["occupancy"] for frame in kept]
        figures[zone["id"]] = mean_absolute_error(predicted, truth)
    return figures


def score_run(video: Path, info, gt, lines, zones, results, flushed, reference, peer) -> dict:
    frames = [r["frameIndex"] for r in results]
    fps = info.fps
    gt_counts = [len(gt.get(f, [])) for f in frames]
    # Detection figures on the frames the detector saw (all of them without a cadence).
    detected_frames = [r["frameIndex"] for r in results if r.get("detected", True)]
    detections = {r["frameIndex"]: [r["detections"]["boxes"][i * 4:i * 4 + 4]
                                    for i in range(r["detections"]["count"])
                                    if r["detections"]["scores"][i] >= DETECTION_SCORE] for r in results}
    # Crops in turn: on a frame where only some crops ran, the detector is scored on the people
    # it looked at (held whole by a region run), the rest of the frame waiting for its turn.
    # recall_weighted counts each person looked at 1 / (the plan's crops that hold them) times, as
    # often as at full size (plan_weight).
    looked = {r["frameIndex"]: r.get("observed") for r in results if r.get("observed") is not None}
    planned = {r["frameIndex"]: r.get("planned") for r in results}
    looked_counts = {f: ([looked_at(box, observed, info.width, info.height) for _, box in gt.get(f, [])],
                         [looked_at(box, observed, info.width, info.height, margin=0) for box in detections.get(f, [])],
                         [plan_weight(box, planned.get(f), observed, info.width, info.height) for _, box in gt.get(f, [])])
                     for f, observed in looked.items()}
    tracks = {r["frameIndex"]: r["tracks"] for r in results}
    events = [e for r in results for e in r["events"]] + flushed["events"]
    ours = {
        "mot": mot_metrics(tracks, gt, frames),
        "lines": {line["id"]: _line_figures(line["id"], flushed["lines"][line["id"]], events,
                                            reference["final"], reference["events"], fps) for line in lines},
        "occupancy_mae": _occupancy([len(r["tracks"]) for r in results], [r["zones"] for r in results],
                                    zones, gt_counts, reference, frames),
    }
    detect = [r["timings"]["detect"] for r in results]
    track = [r["timings"]["track"] for r in results]
    count = [r["timings"]["count"] for r in results]
    total = sum(detect) + sum(track) + sum(count)
    timing = {"ms_per_frame": total / len(frames), "fps": 1000 * len(frames) / total,
              "detect_ms": sum(detect) / len(frames), "track_ms": sum(track) / len(frames),
              "count_ms": sum(count) / len(frames), "tracker_counting_share": (sum(track) + sum(count)) / total,
              "detector_runs_per_frame": len(detected_frames) / len(frames)}
    report = {"video": video.name, "frames": len(frames), "fps_video": fps,
              "detection": {"score_threshold": DETECTION_SCORE,
                            **detection_precision_recall_where(detections, gt, detected_frames, looked_counts),
                            "frames_partly_looked_at": len(looked),
                            "gt_boxes_all": sum(len(gt.get(f, [])) for f in detected_frames)},
              "ours": ours, "timing": timing, "lines": lines, "zones": zones,
              "readme_rule_a": _readme_rule_a(video, lines), "peer": None}
    if peer:
        peer_tracks = {f["frameIndex"]: f["tracks"] for f in peer["frames"]}
        peer_lines = {}
        for line in lines:
            result = peer["lines"][line["id"]]
            predicted = [{"frameIndex": e["frameIndex"], "direction": e["direction"]} for e in result["events"]]
            truth = [{"frameIndex": e["frameIndex"], "direction": e["type"]}
                     for e in net_events(reference["events"], line["id"])]
            reference_counted = reference["final"]["lines"][line["id"]]
            peer_lines[line["id"]] = {"in": result["in"], "out": result["out"],
                                      "reference_in": reference_counted["in"], "reference_out": reference_counted["out"],
                                      "events": match_events(predicted, truth, fps)}
        counted = peer["counted"]
        report["peer"] = {
            "name": f"ultralytics {peer['ultralytics']} BYTETracker (bytetrack.yaml) + ObjectCounter",
            "tracker": peer["tracker"],
            "mot": mot_metrics(peer_tracks, gt, frames),
            "lines": peer_lines,
            "occupancy_mae": _occupancy([len(peer_tracks.get(f, [])) for f in frames],
                                        [frame["zones"] for frame in counted["perFrame"]], zones, gt_counts, reference,
                                        frames),
            "timing": {"track_ms_python": 1000 * peer["seconds"]["track"] / len(frames),
                       "count_ms_python": 1000 * peer["seconds"]["count"] / len(frames)},
        }
    return report
