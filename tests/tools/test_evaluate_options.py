"""tools/evaluate.py --runtime / --precision: the model the browser's detector runs, and the
names of the run's files (runs of different models never overwrite each other's)."""
from __future__ import annotations

import pytest

from tools.evaluate import detector_options, model_tag, parse_args

BASE = ["--video", "v.mp4", "--gt", "gt.txt"]


@pytest.mark.parametrize("extra, wanted", [
    ([], {"backends": ["wasm"]}),
    (["--precision", "int8"], {"backends": ["wasm"], "precision": "int8"}),
    (["--runtime", "ort"], {"backends": ["wasm"], "runtime": "ort"}),
    (["--runtime", "litert", "--precision", "fp32", "--imgsz", "320"],
     {"backends": ["wasm"], "runtime": "litert", "precision": "fp32", "inputSize": 320}),
])
def test_the_detector_gets_only_what_was_asked_for(extra, wanted):
    assert detector_options(parse_args(BASE + extra)) == wanted


@pytest.mark.parametrize("extra", [["--precision", "fp16"], ["--runtime", "tfjs"]])
def test_unknown_runtimes_and_precisions_are_refused(extra, capsys):
    with pytest.raises(SystemExit):
        parse_args(BASE + extra)
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("extra, loaded, tag", [
    ([], {"runtime": "litert", "precision": "fp32"}, ""),  # the default model: the names replay_eval.py reads
    (["--precision", "int8"], {"runtime": "litert", "precision": "int8"}, ".litert-int8"),
    (["--precision", "fp32"], {"runtime": "litert", "precision": "fp32"}, ".litert-fp32"),
    (["--runtime", "ort"], {"runtime": "ort", "precision": "fp32"}, ".ort-fp32"),
    # a page that does not say what it loaded: named by what was asked for
    (["--runtime", "ort", "--precision", "int8"], {}, ".ort-int8"),
])
def test_files_are_named_by_the_model_chosen(extra, loaded, tag):
    assert model_tag(parse_args(BASE + extra), loaded) == tag
