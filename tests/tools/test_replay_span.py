"""tools/replay_eval.py's 'in span' crossing F1: a run that starts at frame `first` cannot see a
reference crossing made before it, so such a crossing is not a miss; counting it anyway (the
entry rule can infer it) is not a false count either, since it really happened."""
from __future__ import annotations

import pytest

from tools.replay_eval import match_in_span


def event(frame: int, direction: str = "in") -> dict:
    return {"frameIndex": frame, "direction": direction}


CASES = [
    # (name, ours, truth, first, last, precision, recall)
    ("crossing before the run, not counted: not a miss", [event(30)], [event(7), event(30)], 10, 70, 1.0, 1.0),
    ("crossing before the run, counted anyway: not a false count", [event(8), event(30)], [event(7), event(30)], 10, 70, 1.0, 1.0),
    ("a count nobody made is a false count", [event(30), event(50, "out")], [event(7), event(30)], 10, 70, 0.5, 1.0),
    ("a crossing inside the run not counted is a miss", [event(30)], [event(30), event(40, "out")], 1, 70, 1.0, 0.5),
    ("a crossing after the run's last frame is not a miss", [event(30)], [event(30), event(69)], 1, 61, 1.0, 1.0),
]


@pytest.mark.parametrize("name, ours, truth, first, last, precision, recall", CASES, ids=[c[0] for c in CASES])
def test_in_span(name, ours, truth, first, last, precision, recall):
    scored = match_in_span(ours, truth, first, last, fps=25.0)
    assert scored["precision"] == pytest.approx(precision)
    assert scored["recall"] == pytest.approx(recall)
    expected_f1 = 2 * precision * recall / (precision + recall)
    assert scored["f1"] == pytest.approx(expected_f1)
