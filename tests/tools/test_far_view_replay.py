"""tools/far_view_replay.py: scoring a replayed far view and the account of who is missing (pure parts)."""
from __future__ import annotations

import pytest

from tools.far_view_replay import _inside, account, panel_account, score

ZONE = {"id": "panel1", "polygon": [[0, 0], [200, 0], [200, 200], [0, 200]]}
LINE = {"id": "p1_vertical_line", "a": [100, 0], "b": [100, 200]}
A, B, C = (10.0, 10.0, 30.0, 60.0), (60.0, 10.0, 80.0, 60.0), (120.0, 10.0, 140.0, 60.0)


def track(identity, box, predicted=0):
    return {"id": identity, "box": list(box), "foot": [(box[0] + box[2]) / 2, box[3]], "predicted": predicted}


def run(frames, events=(), reference_events=()):
    return {"fps": 25, "width": 200, "height": 200, "differing": 0, "zones": [ZONE], "lines": [LINE],
            "frames": frames, "events": list(events), "final": {},
            "reference": {"events": list(reference_events), "zones": [{"panel1": f["truth"]} for f in frames]}}


def frame(index, tracks, occupancy, truth, unreported=(), observed=None):
    return {"frameIndex": index, "tracks": tracks, "zones": {"panel1": occupancy}, "truth": truth,
            "unreported": list(unreported), "observed": observed}


def test_score_occupancy_per_zone_and_crossings_pooled():
    gt = {1: [(1, A), (2, B)], 2: [(1, A), (2, B)]}
    frames = [frame(1, [track(1, A)], 1, 2), frame(2, [track(1, A), track(2, B)], 2, 2)]
    crossing = {"zoneId": "p1_vertical_line", "type": "in", "trackId": 1, "frameIndex": 2}
    figures = score(run(frames, [crossing], [{**crossing, "trackId": 7}]), gt)
    assert figures["occupancy_zone_mean"] == pytest.approx(0.5) and figures["occupancy_zone_max"] == pytest.approx(0.5)
    assert figures["occupancy_frame"] == pytest.approx(0.5)
    assert figures["crossing_f1_pooled"] == pytest.approx(1.0) and figures["lines_at_least_0.9"] == 1
    assert figures["track_recall"] == pytest.approx(3 / 4) and figures["track_precision"] == pytest.approx(1.0)


@pytest.mark.parametrize("unreported, observed, expected", [
    # nothing on the missing person B: "no track"; looked at by a crop holding it
    ([], [{"x": 0, "y": 0, "width": 100, "height": 200}], {("all", "no track, looked at"): 1}),
    # an unconfirmed track on B, a crop that does not hold B
    ([{"id": 5, "box": list(B), "state": "unconfirmed"}], [{"x": 100, "y": 0, "width": 100, "height": 200}],
     {("all", "unconfirmed, not looked at"): 1}),
    # a lost track near B (IoU >= 0.3), the whole frame looked at
    ([{"id": 5, "box": [62.0, 12.0, 82.0, 62.0], "state": "lost"}], None, {("all", "lost, looked at"): 1}),
])
def test_account_puts_each_missing_person_down_to_the_track_on_them(unreported, observed, expected):
    gt = {4: [(1, A), (2, B)]}
    # A is reported; B is not; a predicted box on C matches nobody (an extra)
    frames = [frame(4, [track(1, A), track(3, C, predicted=1)], 2, 2, unreported, observed)]
    counts = account(run(frames), gt)
    for key, value in expected.items():
        assert counts[key] == value
    assert counts[("all", "extra, predicted")] == 1 and ("all", "extra, detected") not in counts
    assert sum(v for (span, cause), v in counts.items() if span == "frames 4+") == 1


def recorded(frames):
    """A recording (tools/evaluate.py's detections.json) with these (box, score) rows per frame."""
    return {"frames": [{"frameIndex": index, "count": len(rows), "boxes": [v for box, _ in rows for v in box],
                        "scores": [score for _, score in rows]} for index, rows in frames.items()]}


def test_panel_account_puts_each_unit_of_a_zone_error_down_to_a_person_or_a_track():
    H = (21.0, 20.0, 30.0, 48.0)  # behind A (its box inside A's, IoU with A 0.25)
    E = (185.0, 10.0, 199.0, 60.0)  # at the zone's right side
    gt = {1: [(1, A), (2, B), (3, H)], 2: [(1, A), (2, B), (3, H)], 3: [(1, A)]}
    frames = [
        # A and H reported, B never found by a sure box: short 1
        frame(1, [track(1, A), track(3, H)], 2, 3),
        # nobody reported; an unconfirmed track on A (found before), B found only unsure, H (found before) hidden: short 3
        frame(2, [], 0, 3, unreported=[{"id": 5, "box": list(A), "state": "unconfirmed"}]),
        # A reported twice (a predicted second track) and a box at the zone's side on nobody: over 2
        frame(3, [track(1, A), track(4, A, predicted=1), track(6, E)], 3, 1),
    ]
    recording = recorded({1: [(A, 0.9), (H, 0.6)], 2: [(B, 0.2)], 3: [(A, 0.9)]})
    account = panel_account(run(frames), gt, recording)["panel1"]
    assert (account["over"], account["short"]) == (2, 4)
    assert account["mae"] == pytest.approx(6 / 3)
    assert account["causes"] == {
        "not detected yet": 2, "new track waiting for a second sighting": 1,
        "hidden behind someone (>= 0.6 of the box), no track": 1,
        "second track on a person, predicted": 1, "detected at the zone's side edge, nobody there": 1}
    # The causes add up to the error, so the zone's MAE is theirs.
    assert sum(account["causes"].values()) == account["over"] + account["short"]


def test_panel_account_a_person_whose_track_stands_in_another_zone():
    # the person's foot is in panel1, their track's foot (the box's bottom) just below it: short 1 there
    gt = {1: [(1, A)]}
    moved = (10.0, 150.0, 30.0, 201.0)
    frames = [frame(1, [track(1, moved)], 0, 1)]
    frames[0]["tracks"][0]["box"] = list(A)  # matched to A by its box, standing elsewhere by its foot
    frames[0]["tracks"][0]["foot"] = [20.0, 201.0]
    account = panel_account(run(frames), gt, recorded({1: [(A, 0.9)]}))["panel1"]
    assert account["causes"] == {"their track stands in another zone": 1}


@pytest.mark.parametrize("point, inside", [((0, 0), True), ((100, 100), True), ((200, 100), False),
                                           ((100, 200), False), ((-1, 100), False)])
def test_inside_holds_a_rectangle_s_top_and_left_edges_as_contains_point_does(point, inside):
    assert _inside(ZONE["polygon"], *point) is inside


def test_replay_passes_the_region_plan_options_the_recording_was_made_with(monkeypatch):
    # A recording made with tools/evaluate.py --region-plan-options replays only under the same plan.
    import json
    import tools.far_view_replay as far_view_replay
    commands = []

    def fake_run(command, check):
        commands.append(command)
        out = command[command.index("--out") + 1]
        with open(out, "w") as handle:
            json.dump({"frames": []}, handle)

    monkeypatch.setattr(far_view_replay.subprocess, "run", fake_run)
    plan = '{"maxRuns":12,"turnSeconds":0.2}'
    assert far_view_replay.replay("d.json", "gt.txt", "frontend/js", "{}", plan) == {"frames": []}
    command = commands[0]
    assert command[command.index("--region-plan-options") + 1] == plan
    far_view_replay.replay("d.json", "gt.txt", "frontend/js", "{}")
    assert commands[1][commands[1].index("--region-plan-options") + 1] == "{}"
