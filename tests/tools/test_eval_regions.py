"""tools/eval_regions.py: the per-line crossing table of --compare-regions, far view vs full size."""
from tools.eval_regions import _source_line, per_line_rows


def _report(lines: dict) -> dict:
    return {"ours": {"lines": {line_id: {"events": {"f1": f1, "matched": 1, "predicted": 2, "reference": 1}}
                               for line_id, f1 in lines.items()}}}


def test_far_view_lines_take_the_full_size_line_of_their_panel():
    assert _source_line("p3_horizontal_line") == "horizontal_line"
    assert _source_line("p12_x") == "x"
    assert _source_line("horizontal_line") == "horizontal_line"  # not a far-view id
    assert _source_line("panel_1") == "panel_1"
    reports = {"whole": _report({"p1_a": 0.0, "p2_a": 0.5}), "auto": _report({"p1_a": 1.0, "p2_a": 0.8})}
    full = {"reports": {"auto": _report({"a": 0.25})}}
    rows = per_line_rows(reports, full)
    assert [(r["line"], r["whole_f1"], r["auto_f1"], r["full_size_f1"], r["auto_events"]) for r in rows] == [
        ("p1_a", 0.0, 1.0, 0.25, "1/2/1"), ("p2_a", 0.5, 0.8, 0.25, "1/2/1")]
    assert all(r["full_size_f1"] is None for r in per_line_rows(reports))
