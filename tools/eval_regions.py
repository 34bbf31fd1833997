"""Whole frame vs the automatic regions (frontend/js/pipeline/region_plan.js), side by side:
the figures and targets of issue 13, from two reports of tools/evaluate.py made in one run."""
from __future__ import annotations

TARGETS = {
    "recall_within_of_full_size": 0.05,
    "precision_at_least": 0.9,
    "precision_within_of_whole_frame": 0.03,
    "crossing_f1_at_least": 0.9,
    "occupancy_mae_per_zone_at_most": 0.6,
    "detector_time_ratio_at_most": 2.5,
}


def summarise(report: dict) -> dict:
    """The figures compared, from one evaluate.py report."""
    lines = report["ours"]["lines"].values()
    events = [line["events"] for line in lines]
    matched = sum(e["matched"] for e in events)
    predicted = sum(e["predicted"] for e in events)
    reference = sum(e["reference"] for e in events)
    pooled_p = matched / predicted if predicted else 1.0
    pooled_r = matched / reference if reference else 1.0
    zones = {key: value for key, value in report["ours"]["occupancy_mae"].items() if key != "frame"}
    return {
        "precision": report["detection"]["precision"],
        "recall": report["detection"]["recall"],
        "recall_weighted": report["detection"].get("recall_weighted", report["detection"]["recall"]),
        "track_precision": report["ours"]["mot"]["precision"],
        "track_recall": report["ours"]["mot"]["recall"],
        "frames_partly_looked_at": report["detection"].get("frames_partly_looked_at", 0),
        "idf1": report["ours"]["mot"]["idf1"],
        "id_switches": report["ours"]["mot"]["id_switches"],
        "occupancy_mae_frame": report["ours"]["occupancy_mae"]["frame"],
        "occupancy_mae_zone_mean": sum(zones.values()) / len(zones) if zones else None,
        "occupancy_mae_zone_max": max(zones.values()) if zones else None,
        "crossing_f1_pooled": 2 * pooled_p * pooled_r / (pooled_p + pooled_r) if pooled_p + pooled_r else 0.0,
        "crossing_f1_min": min((e["f1"] for e in events), default=None),
        "crossing_events": {"matched": matched, "predicted": predicted, "reference": reference},
        "detect_ms": report["timing"]["detect_ms"],
        "model_runs_per_frame": report.get("regions", {}).get("model_runs_per_frame", 1.0),
    }


def compare_regions(whole: dict, auto: dict, reference_recall: float | None = None) -> dict:
    first, second = summarise(whole), summarise(auto)
    ratio = second["detect_ms"] / first["detect_ms"] if first["detect_ms"] else None
    targets = {
        "precision >= 0.9": second["precision"] >= TARGETS["precision_at_least"],
        "precision within 0.03 of the whole frame": second["precision"] >= first["precision"] - TARGETS["precision_within_of_whole_frame"],
        "crossing F1 >= 0.9 on every line": second["crossing_f1_min"] is not None and second["crossing_f1_min"] >= TARGETS["crossing_f1_at_least"],
        "occupancy MAE <= 0.6 per zone": (None if second["occupancy_mae_zone_max"] is None
                                          else second["occupancy_mae_zone_max"] <= TARGETS["occupancy_mae_per_zone_at_most"]),
        "detector time <= 2.5x the whole frame": ratio is not None and ratio <= TARGETS["detector_time_ratio_at_most"],
    }
    if reference_recall is not None:
        targets[f"recall within 0.05 of full size ({reference_recall:.3f})"] = (
            second["recall"] >= reference_recall - TARGETS["recall_within_of_full_size"])
        # The same with each person counted as often as at full size (eval_scoring.plan_weight).
        targets[f"recall weighted as at full size within 0.05 of full size ({reference_recall:.3f})"] = (
            second["recall_weighted"] >= reference_recall - TARGETS["recall_within_of_full_size"])
    return {"whole": first, "auto": second, "detector_time_ratio": ratio, "targets": targets,
            "auto_plan": auto.get("regions", {}).get("last_plan")}


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def print_comparison(comparison: dict, reports: dict) -> None:
    whole, auto = comparison["whole"], comparison["auto"]
    rows = [("detection precision (IoU 0.5, score >= 0.25)", "precision"), ("detection recall", "recall"),
            ("detection recall, weighted as at full size (1 / plan crops holding)", "recall_weighted"),
            ("tracks reported: precision (everyone, every frame)", "track_precision"),
            ("tracks reported: recall (everyone, every frame)", "track_recall"),
            ("IDF1", "idf1"), ("ID switches", "id_switches"), ("occupancy MAE, whole frame", "occupancy_mae_frame"),
            ("occupancy MAE per zone, mean", "occupancy_mae_zone_mean"), ("occupancy MAE per zone, max", "occupancy_mae_zone_max"),
            ("crossing F1 (1 s), all lines pooled", "crossing_f1_pooled"), ("crossing F1 (1 s), worst line", "crossing_f1_min"),
            ("detector ms per frame", "detect_ms"), ("detector model runs per frame", "model_runs_per_frame"),
            ("frames with crops in turn (detection scored where looked at)", "frames_partly_looked_at")]
    report = reports["auto"]
    print(f"{report['video']} ({report['frames']} frames, {report['backend']}, input {report['input_size']} px)")
    width = max(len(label) for label, _ in rows)
    print(f"| {'metric'.ljust(width)} | whole frame | automatic regions |")
    print(f"| {'-' * width} | --- | --- |")
    for label, key in rows:
        print(f"| {label.ljust(width)} | {_fmt(whole[key])} | {_fmt(auto[key])} |")
    print(f"detector time, regions / whole frame: {_fmt(comparison['detector_time_ratio'])}x")
    print(f"last plan: {comparison['auto_plan']}")
    verdict = {True: "met", False: "NOT met", None: "n/a (no zones)"}
    print("targets: " + ", ".join(f"{name}: {verdict[met]}" for name, met in comparison["targets"].items()))


def _source_line(line_id: str) -> str:
    """A far-view line's id in the full-size sequence (tools/far_view.py names them p<panel>_<id>)."""
    head, _, rest = line_id.partition("_")
    return rest if head[:1] == "p" and head[1:].isdigit() and rest else line_id


def per_line_rows(reports: dict, full_size: dict | None = None) -> list[dict]:
    """Crossing F1 (1 s) of every line, whole frame vs automatic regions, and (full_size: a
    --compare-regions JSON of the full-size sequence) the same line at full size."""
    full_lines = full_size["reports"]["auto"]["ours"]["lines"] if full_size else {}
    rows = []
    for line_id, auto in reports["auto"]["ours"]["lines"].items():
        whole = reports["whole"]["ours"]["lines"][line_id]["events"]
        source = full_lines.get(_source_line(line_id))
        rows.append({"line": line_id, "whole_f1": whole["f1"], "auto_f1": auto["events"]["f1"],
                     "auto_events": f"{auto['events']['matched']}/{auto['events']['predicted']}/{auto['events']['reference']}",
                     "full_size_f1": source["events"]["f1"] if source else None})
    return rows


def print_per_line(rows: list[dict]) -> None:
    print("| line | whole frame F1 | automatic regions F1 | matched/counted/reference | full size F1 |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['line']} | {_fmt(row['whole_f1'])} | {_fmt(row['auto_f1'])} | {row['auto_events']} | {_fmt(row['full_size_f1'])} |")
    reached = sum(1 for row in rows if row["auto_f1"] >= TARGETS["crossing_f1_at_least"])
    print(f"lines with crossing F1 >= 0.9: automatic regions {reached} of {len(rows)}")

