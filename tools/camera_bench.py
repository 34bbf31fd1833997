"""Resource figures of IP cameras (docs/cameras.md), measured on this machine with real
streams (the shared TUD-Stadtmitte sequence served as RTSP at 25 frames/s on 127.0.0.1):

1. relay: CPU of the relay's ffmpeg readers (RTSP/JPEG in, JPEG frames out at
   CAMERA_MAX_FPS) and of the app process, with 1 and with N cameras relayed at once
   (per-camera CPU, and the ratio N-camera / 1-camera total);
2. station: frames/s each camera is counted at by the counting station (its headless
   Chromium running the monitor page at the default 416 px model), with 1 and with 2
   always-on cameras, and from the 2-camera total how many cameras one such box can count
   at a given detector rate.

    .venv/bin/python tools/camera_bench.py [--cameras 3] [--seconds 30] [--skip-station]

Prints a table and one JSON line. The figures depend on what else the machine runs: say so
next to them when it is shared."""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.camera_streams import RtspServer, extract_frames, free_port  # noqa: E402
from tools.harness import LiveServer, make_app  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], list(children.get(root, []))
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def tree_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except (OSError, IndexError):
            pass
    return total


def relay_run(app, server, owner, rtsp_url: str, cameras: int, seconds: float) -> dict:
    """`cameras` distinct cameras (one reader each), one viewer each, for `seconds`."""
    ids = [owner.post("/api/cameras", json={"name": f"bench {i}", "url": rtsp_url}).get_json()["id"]
           for i in range(cameras)]
    stop = threading.Event()
    frames = {camera_id: 0 for camera_id in ids}

    def watch(camera_id: int) -> None:
        request = urllib.request.Request(f"{server.url}/api/cameras/{camera_id}/stream",
                                         headers={"Authorization": f"Bearer {owner.token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            while not stop.is_set():
                chunk = response.read(65536)
                if not chunk:
                    return
                frames[camera_id] += chunk.count(b"\xff\xd9")

    viewers = [threading.Thread(target=watch, args=(camera_id,), daemon=True) for camera_id in ids]
    for viewer in viewers:
        viewer.start()
    time.sleep(5)  # warm up: every reader running
    readers = [pid for pid in descendants(os.getpid()) if "ffmpeg" in command_of(pid).split(" ")[0]
               and "pipe:1" in command_of(pid)]
    own = os.getpid()
    start_wall, start_ff, start_app = time.monotonic(), tree_cpu(readers), cpu_seconds(own)
    start_frames = sum(frames.values())
    time.sleep(seconds)
    wall = time.monotonic() - start_wall
    ffmpeg_cpu = (tree_cpu(readers) - start_ff) / wall
    # the app process includes this tool's viewer threads, so it is an upper bound
    app_cpu = (cpu_seconds(own) - start_app) / wall
    relayed = (sum(frames.values()) - start_frames) / wall
    stop.set()
    for camera_id in ids:
        owner.delete(f"/api/cameras/{camera_id}")
    return {"cameras": cameras, "readers": len(readers), "ffmpeg_cpu_percent": 100 * ffmpeg_cpu,
            "ffmpeg_cpu_percent_per_camera": 100 * ffmpeg_cpu / cameras,
            "app_cpu_percent_upper_bound": 100 * app_cpu,
            "relayed_frames_per_second_per_camera": relayed / cameras}


def station_run(app, server, owner, rtsp_url: str, cameras: int, seconds: float,
                workdir: Path) -> dict:
    ids = []
    for index in range(cameras):
        camera = owner.post("/api/cameras", json={"name": f"station {index}", "url": rtsp_url,
                                                  "always_on": True}).get_json()
        owner.post("/api/zones", json={"name": "Door", "kind": "line", "camera_key": camera["camera_key"],
                                       "frame_width": 640, "frame_height": 480,
                                       "geometry": {"points": [[511, 0], [511, 479]]}})
        ids.append(camera["id"])
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "bench",
           "PC_INSTANCE_DIR": str(workdir / "station")}
    station = subprocess.Popen([sys.executable, "-m", "flask", "--app", "backend", "station",
                                "--server", server.url, "--port", str(port), "--poll-seconds", "1",
                                "--refresh-seconds", "3600"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    status_url = f"http://127.0.0.1:{port}/status.json"
    try:
        deadline = time.monotonic() + 300
        state = None
        while time.monotonic() < deadline:
            try:
                state = json.loads(urllib.request.urlopen(status_url, timeout=10).read())
                if len(state["cameras"]) == cameras and all(
                        c["state"] == "counting" and c["frames"] > 20 for c in state["cameras"]):
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            raise SystemExit(f"the station did not start counting {cameras} camera(s): {state}")
        before = {c["camera_id"]: c["frames"] for c in state["cameras"]}
        tree = descendants(station.pid)
        start_cpu, start_wall = tree_cpu(tree), time.monotonic()
        time.sleep(seconds)
        wall = time.monotonic() - start_wall
        cpu = (tree_cpu(descendants(station.pid)) - start_cpu) / wall
        state = json.loads(urllib.request.urlopen(status_url, timeout=10).read())
        fps = [(c["frames"] - before[c["camera_id"]]) / wall for c in state["cameras"]]
    finally:
        station.send_signal(signal.SIGINT)
        try:
            station.wait(timeout=60)
        except subprocess.TimeoutExpired:
            station.kill()
        for camera_id in ids:
            owner.delete(f"/api/cameras/{camera_id}")
    return {"cameras": cameras, "frames_per_second_per_camera": sum(fps) / len(fps),
            "frames_per_second_total": sum(fps), "station_cpu_percent": 100 * cpu}


def capacity_estimates(result: dict, rates: list[float]) -> dict:
    """How many cameras one box counts at `rates` detector runs/s each: as measured (the
    frames/s the station got, whatever else ran), and with the box to itself (from the CPU
    each counted frame cost, plus each camera's relay ffmpeg, over all the cores)."""
    station = result["station"]
    total = max(row["frames_per_second_total"] for row in station)
    busiest = max(station, key=lambda row: row["frames_per_second_total"])
    cpu_per_frame = busiest["station_cpu_percent"] / 100 / max(busiest["frames_per_second_total"], 1e-9)
    relay = max(row["ffmpeg_cpu_percent_per_camera"] for row in result["relay"]) / 100
    return {
        "cpu_seconds_per_counted_frame": cpu_per_frame,
        "capacity_measured": {str(rate): int(total // rate) for rate in rates},
        "capacity_whole_box": {str(rate): int(result["cores"] // (cpu_per_frame * rate + relay))
                               for rate in rates},
    }


def print_capacity(result: dict) -> None:
    print(f"CPU per counted frame (station's Chromium): {result['cpu_seconds_per_counted_frame']:.3f} s")
    print("cameras counted, as measured on this (shared) box: " + ", ".join(
        f"{n} at {rate} runs/s" for rate, n in result["capacity_measured"].items()))
    print(f"cameras counted with all {result['cores']} cores free (CPU per frame x rate + relay): " + ", ".join(
        f"{n} at {rate} runs/s" for rate, n in result["capacity_whole_box"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=3, help="cameras relayed at once")
    parser.add_argument("--seconds", type=float, default=30, help="measuring time per run")
    parser.add_argument("--skip-station", action="store_true")
    parser.add_argument("--from-json", help="print the capacity estimates of an earlier run's JSON line")
    parser.add_argument("--rates", default="2,3,5",
                        help="detector runs/s a camera needs, for the capacity estimate")
    args = parser.parse_args()
    if args.from_json:
        earlier = json.loads(Path(args.from_json).read_text().strip().splitlines()[-1])
        earlier.update(capacity_estimates(earlier, [float(rate) for rate in args.rates.split(",")]))
        print_capacity(earlier)
        print(json.dumps(earlier))
        return
    from tests.backend.conftest import make_user

    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        frames = extract_frames(workdir / "frames")
        app = make_app(workdir / "app")
        server = LiveServer(app).start()
        rtsp = RtspServer(frames, user="bench", password="bench-pass").start()
        owner = make_user(app, "bench")
        try:
            relay = [relay_run(app, server, owner, rtsp.url(), n, args.seconds)
                     for n in (1, args.cameras)]
            station = [] if args.skip_station else [
                station_run(app, server, owner, rtsp.url(), n, args.seconds, workdir) for n in (1, 2)]
        finally:
            rtsp.stop()
            server.stop()
    cores = os.cpu_count()
    load = os.getloadavg()
    print(f"machine: {cores} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
          " (a shared machine: other work competes for the CPU)")
    print("\nrelay (RTSP 640x480 JPEG in, JPEG out at CAMERA_MAX_FPS):")
    print(f"{'cameras':>8} {'readers':>8} {'ffmpeg CPU %/camera':>20} {'app CPU % (upper bound)':>24} {'frames/s/camera':>16}")
    for row in relay:
        print(f"{row['cameras']:>8} {row['readers']:>8} {row['ffmpeg_cpu_percent_per_camera']:>20.1f} "
              f"{row['app_cpu_percent_upper_bound']:>24.1f} {row['relayed_frames_per_second_per_camera']:>16.1f}")
    ratio = relay[1]["ffmpeg_cpu_percent"] / max(relay[0]["ffmpeg_cpu_percent"], 1e-9)
    print(f"ffmpeg CPU with {args.cameras} cameras / with 1: {ratio:.2f}")
    result = {"cores": cores, "load_average": load, "relay": relay,
              "relay_cpu_ratio": ratio, "station": station}
    if station:
        print("\nstation (headless Chromium, default model, 416 px):")
        print(f"{'cameras':>8} {'frames/s per camera':>20} {'frames/s total':>15} {'CPU % (station tree)':>21}")
        for row in station:
            print(f"{row['cameras']:>8} {row['frames_per_second_per_camera']:>20.2f} "
                  f"{row['frames_per_second_total']:>15.2f} {row['station_cpu_percent']:>21.0f}")
        print(f"2 cameras / 1 camera total frames/s: "
              f"{station[1]['frames_per_second_total'] / max(station[0]['frames_per_second_total'], 1e-9):.2f}")
        result.update(capacity_estimates(result, [float(rate) for rate in args.rates.split(",")]))
        print_capacity(result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
