"""tools/replay_identical.py: two replays are the same when everything but the folder replayed and
the wall-clock milliseconds is, to the last digit; and it covers every run replay_eval.py makes."""
from __future__ import annotations

import pytest

from tools.replay_identical import first_difference, runs

BASE = {"modules": "old/frontend/js", "milliseconds": 25.9, "mode": {"every": 12, "offset": 0},
        "frames": [{"source": 1, "tracks": [[1, 10.25, 20.5, 30.125, 40.0]]}],
        "events": [{"type": "in", "lineId": "vertical_line", "timestamp": 0.48}], "final": {"vertical_line": [1, 4]}}

CASES = [
    ("another folder and another time", {"modules": "frontend/js", "milliseconds": 28.1}, None),
    ("a box's last digit", {"frames": [{"source": 1, "tracks": [[1, 10.25, 20.5, 30.125, 40.000000000001]]}]}, "frames"),
    ("an event's time", {"events": [{"type": "in", "lineId": "vertical_line", "timestamp": 0.44}]}, "events"),
    ("a count", {"final": {"vertical_line": [1, 3]}}, "final"),
    ("a key only one side has", {"reference": {}}, "reference"),
]


@pytest.mark.parametrize("name, change, expected", CASES, ids=[c[0] for c in CASES])
def test_first_difference(name, change, expected):
    assert first_difference(BASE, {**BASE, **change}) == expected


def test_every_run_of_replay_eval():
    names = [name for name, _ in runs(quick=False)]
    assert len(names) == (1 + 3 + 6 + 12) + 2 * 12 + 2 * 6
    assert "K=12 +11" in names and "cadence {} +11" in names and "live 1.9/s j0.05 seed 6" in names
    assert [name for name, _ in runs(quick=True)][:4] == ["K=1 +0", "K=3 +0", "K=6 +0", "K=12 +0"]
