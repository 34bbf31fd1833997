"""The goals of issue 4 and the table tools/evaluate.py prints."""
from __future__ import annotations

import json

GOALS = {
    "idf1_at_least_peer_plus": 0.10,
    "id_switches_at_most_peer_fraction": 0.5,
    "crossing_f1_at_least": 0.95,
    "occupancy_mae_at_most": 0.5,
    "tracker_counting_share_at_most": 0.05,
}


def evaluate_goals(report: dict) -> dict:
    ours = report["ours"]
    goals = {
        "crossing_f1": all(line["events"]["f1"] >= GOALS["crossing_f1_at_least"] for line in ours["lines"].values()),
        "occupancy_mae": all(value <= GOALS["occupancy_mae_at_most"] for value in ours["occupancy_mae"].values()),
        "tracker_counting_share": report["timing"]["tracker_counting_share"] <= GOALS["tracker_counting_share_at_most"],
    }
    peer = report.get("peer")
    if peer:
        goals["idf1_vs_peer"] = ours["mot"]["idf1"] >= peer["mot"]["idf1"] + GOALS["idf1_at_least_peer_plus"]
        goals["id_switches_vs_peer"] = (ours["mot"]["id_switches"]
                                        <= GOALS["id_switches_at_most_peer_fraction"] * peer["mot"]["id_switches"])
    return goals


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table_rows(report: dict) -> list[tuple[str, object, object]]:
    ours, peer = report["ours"], report.get("peer")
    rows = [("detection precision (IoU 0.5, score >= %.2f)" % report["detection"]["score_threshold"],
             report["detection"]["precision"], None),
            ("detection recall", report["detection"]["recall"], None)]
    if report["detection"].get("frames_partly_looked_at"):  # crops in turn (eval_scoring.plan_weight)
        rows.append(("detection recall, weighted as at full size (1 / plan crops holding)",
                     report["detection"].get("recall_weighted"), None))
    for key, label in (("mota", "MOTA"), ("idf1", "IDF1"), ("id_switches", "ID switches"),
                       ("recall", "track recall"), ("precision", "track precision")):
        rows.append((label, ours["mot"][key], peer["mot"][key] if peer else None))
    for line_id, line in ours["lines"].items():
        other = peer["lines"][line_id] if peer else None
        rows.append((f"{line_id}: in / out (reference {line['reference_in']} / {line['reference_out']})",
                     f"{line['in']} / {line['out']}", f"{other['in']} / {other['out']}" if other else None))
        for key in ("precision", "recall", "f1"):
            rows.append((f"{line_id}: crossing events {key} (1 s)", line["events"][key],
                         other["events"][key] if other else None))
    for zone_id, value in ours["occupancy_mae"].items():
        label = "occupancy MAE, whole frame" if zone_id == "frame" else f"occupancy MAE, {zone_id}"
        rows.append((label, value, peer["occupancy_mae"][zone_id] if peer else None))
    timing = report["timing"]
    rows.append(("detector runs per frame", timing["detector_runs_per_frame"], None))
    if report.get("regions"):
        rows.append(("detector model runs per frame (regions)", report["regions"]["model_runs_per_frame"], None))
    rows.append(("pipeline frames/s (detect + track + count)", timing["fps"], None))
    rows.append(("ms per frame: detect / track / count",
                 f"{timing['detect_ms']:.1f} / {timing['track_ms']:.2f} / {timing['count_ms']:.2f}",
                 (f"- / {peer['timing']['track_ms_python']:.2f} / {peer['timing']['count_ms_python']:.2f} (Python)"
                  if peer else None)))
    rows.append(("tracker + counting share of frame time", timing["tracker_counting_share"], None))
    return rows


def print_table(report: dict) -> None:
    rows = table_rows(report)
    every = report.get("every", 1)
    rate = f", every {every}th frame: {report['fps_video'] / every:.1f} detector runs/s" if every > 1 else ""
    if report.get("live_detector_runs_per_second"):
        rate = f", live: {report['live_detector_runs_per_second']:.2f} detector runs/s"
    # The model the detector ran: its runtime and precision (tools/evaluate.py --runtime / --precision).
    model = f" · {report['runtime']} {report['precision']}" if report.get("precision") else ""
    title = f"{report['video']} ({report['frames']} frames{rate}, {report['backend']}{model}, input {report['input_size']} px)"
    width = max(len(label) for label, _, _ in rows)
    print(title)
    print(f"| {'metric'.ljust(width)} | ours | peer |")
    print(f"| {'-' * width} | --- | --- |")
    for label, ours, peer in rows:
        print(f"| {label.ljust(width)} | {_fmt(ours)} | {_fmt(peer)} |")
    goals = ", ".join(f"{name}: {'met' if met else 'NOT met'}" for name, met in report["goals"].items())
    print(f"goals: {goals}")


def emit_json_line(report: dict, path=None) -> None:
    """The report as the final JSON line of a tool's output, also written to `path` (--json) if given."""
    line = json.dumps(report, sort_keys=True)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(line + "\n")
    print(line)
