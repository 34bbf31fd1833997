"""How right are the age and gender estimates? The app's own pipeline (person detector ->
upper part of each box -> face-api's tiny face detector and age/gender model in the face
worker -> the estimate a one-face track gets), in Debian's Chromium, on real photos that
installed packages ship, against labels written down by hand:

  face-api's demo/sample1..6.jpg  22 women (young adults)            @vladmandic/face-api
  ultralytics/assets/zidane.jpg   2 men (Zidane, Ancelotti)          Ultralytics (export venv)
  ultralytics/assets/bus.jpg      2 men with a visible face          Ultralytics (export venv)
  mpl-data/sample_data/grace_hopper.jpg  1 woman, 77 years old       matplotlib (app venv)

Every face found in an image is expected to have the image's gender (nobody of another
gender shows a face in any of them). Ages are checked only where known (Grace Hopper, 77 in
her 1984 portrait). Prints a table and one JSON line; docs/demographics.md quotes it.

    .venv/bin/python tools/eval_demographics.py
"""
from __future__ import annotations

import base64
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.harness import REPO, LiveServer, launch_chromium, make_app, open_page  # noqa: E402


@dataclass(frozen=True)
class LabelledImage:
    name: str
    path: Path
    gender: str               # of every face in the image
    people: int               # people whose face can be seen (by eye)
    age_band: str | None = None  # when known for every face


def _one(pattern: str, root: Path) -> Path | None:
    found = sorted(root.glob(pattern))
    return found[0] if found else None


def labelled_images() -> list[LabelledImage]:
    demo = REPO / "node_modules" / "@vladmandic" / "face-api" / "demo"
    women = {1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4}
    images = [LabelledImage(f"face-api sample{i}", demo / f"sample{i}.jpg", "female", n)
              for i, n in women.items()]
    ultralytics = _one("python*/site-packages/ultralytics/assets", REPO / ".venv-export" / "lib")
    if ultralytics:
        images += [LabelledImage("ultralytics zidane", ultralytics / "zidane.jpg", "male", 2),
                   LabelledImage("ultralytics bus", ultralytics / "bus.jpg", "male", 2)]
    hopper = _one("python*/site-packages/matplotlib/mpl-data/sample_data/grace_hopper.jpg",
                  REPO / ".venv" / "lib")
    if hopper:
        images.append(LabelledImage("matplotlib grace_hopper", hopper, "female", 1, "65+"))
    return [image for image in images if image.path.exists()]


def make_faces_clip(target: Path) -> Path:
    """A fake-webcam clip (y4m, 640x480, 8 frames/s, 34 s) made of shipped photos: face-api's
    sample6.jpg (four women) and Ultralytics' zidane.jpg (two men) slide slowly from left to
    right across x = 320, so each person is in view for several seconds before crossing."""
    import subprocess

    by_name = {image.name: image.path for image in labelled_images()}
    women, men = by_name.get("face-api sample6"), by_name.get("ultralytics zidane")
    if women is None or men is None:
        raise FileNotFoundError("face-api's demo/sample6.jpg or Ultralytics' zidane.jpg is "
                                "missing: run `make npm` and `make model`.")
    graph = ("[1]scale=-2:400[a];[2]scale=-2:360[b];"
             "[0][a]overlay=x='-520+t*60':y=40:enable='lt(t,20)'[v1];"
             "[v1][b]overlay=x='-660+(t-19)*90':y=80:enable='gte(t,19)'")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
                    "-i", "color=c=0x5a6470:s=640x480:r=8:d=34", "-loop", "1", "-i", str(women),
                    "-loop", "1", "-i", str(men), "-filter_complex", graph, "-t", "34",
                    "-pix_fmt", "yuv420p", str(target)], check=True)
    return target


def evaluate(page, base_url: str, images: list[LabelledImage],
             face_options: dict | None = None) -> dict:
    """Runs the face lab on each image; per image and overall figures. face_options: the
    FaceClient's (inputSize, minFaceScore, minFaceSize); the app's defaults when None."""
    page.goto(f"{base_url}/lab/faces")
    page.wait_for_function("document.body.dataset.labReady === 'yes'")
    info = page.evaluate("(options) => faceLab.load(options)", face_options or {})
    detector = page.evaluate("faceLab.loadDetector()")
    rows, milliseconds = [], []
    for image in images:
        data = base64.b64encode(image.path.read_bytes()).decode()
        result = page.evaluate("(data) => faceLab.estimatePeople(data)", data)
        people = result["people"]
        estimates = [p["estimate"] for p in people if p["face"]]
        milliseconds += [p["milliseconds"] for p in people]
        genders = [e["gender"] for e in estimates]
        rows.append({
            "image": image.name, "expected": image.gender, "people_with_face": image.people,
            "person_boxes": len(people), "faces": len(estimates),
            "right": sum(g == image.gender for g in genders),
            "wrong": sum(g not in (image.gender, "unknown") for g in genders),
            "unsure": sum(g == "unknown" for g in genders),
            "ages": [round(e["age"], 1) for e in estimates],
            "bands": [e["ageBand"] for e in estimates],
            "age_band_expected": image.age_band,
            "age_band_right": (sum(e["ageBand"] == image.age_band for e in estimates)
                               if image.age_band else None),
        })
    faces = sum(r["faces"] for r in rows)
    decided = sum(r["right"] + r["wrong"] for r in rows)
    return {
        "backend": info["backend"], "tfjs": info["tfjsVersion"], "detector": detector,
        "face_input_size": info["inputSize"],
        "images": rows, "people_with_face": sum(r["people_with_face"] for r in rows),
        "faces": faces, "right": sum(r["right"] for r in rows),
        "wrong": sum(r["wrong"] for r in rows), "unsure": sum(r["unsure"] for r in rows),
        "gender_accuracy_decided": (sum(r["right"] for r in rows) / decided) if decided else None,
        "median_ms_per_face": sorted(milliseconds)[len(milliseconds) // 2] if milliseconds else None,
    }


def print_report(report: dict) -> None:
    print(f"face worker: TF.js {report['tfjs']} {report['backend']} backend, face input "
          f"{report['face_input_size']} px; person detector "
          f"{report['detector']['backend']} {report['detector']['inputSize']} px")
    print(f"{'image':26} {'gender':7} {'seen':>4} {'boxes':>5} {'faces':>5} {'right':>5} "
          f"{'wrong':>5} {'unsure':>6}  ages (bands)")
    for r in report["images"]:
        bands = ", ".join(f"{a} ({b})" for a, b in zip(r["ages"], r["bands"]))
        print(f"{r['image']:26} {r['expected']:7} {r['people_with_face']:>4} "
              f"{r['person_boxes']:>5} {r['faces']:>5} {r['right']:>5} {r['wrong']:>5} "
              f"{r['unsure']:>6}  {bands}")
    accuracy = report["gender_accuracy_decided"]
    print(f"faces found {report['faces']} of {report['people_with_face']} visible; gender right "
          f"{report['right']}, wrong {report['wrong']}, unsure {report['unsure']}; accuracy where "
          f"decided {accuracy:.1%}; median {report['median_ms_per_face']:.0f} ms per face")
    print(json.dumps({key: value for key, value in report.items() if key != "images"}))


def main() -> None:
    import argparse

    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input-size", type=int, default=None,
                        help="the tiny face detector's input size (default: the app's)")
    args = parser.parse_args()
    options = {"inputSize": args.input_size} if args.input_size else None
    images = labelled_images()
    with tempfile.TemporaryDirectory() as workdir, \
            LiveServer(make_app(Path(workdir))) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context, page = open_page(browser)
        started = time.perf_counter()
        report = evaluate(page, server.url, images, options)
        report["seconds"] = round(time.perf_counter() - started, 1)
        browser.close()
    print_report(report)


if __name__ == "__main__":
    main()
