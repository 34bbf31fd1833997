"""Builds the app image (deploy/Dockerfile) with Debian's podman and runs it.

podman runs here as root with runc, cgroupfs, no default ulimits and host networking
(deploy/containers.conf). No image registry is reachable, so the base image is made once
with `debootstrap --variant=minbase bookworm` and `podman import`, and reused. Package
registries are reached with this machine's pip client settings and CA bundle, handed to the
build as secrets (never stored in a layer). The build context is assembled in a temporary
folder: the tracked files, the exported models and the npm files the pages load.

    .venv/bin/python -m tools.container build      # prints the image id and the wall time
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTAINERS_CONF = REPO / "deploy" / "containers.conf"
BASE_IMAGE = "localhost/pc-debian-minbase:bookworm"
APP_IMAGE = "localhost/people-counter:local"
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")


def podman(*args: str, check: bool = True, capture: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
    return subprocess.run(["podman", *args], check=check, env=env, text=True,
                          capture_output=capture)


def ensure_base_image() -> str:
    """The Debian base image, made with debootstrap when it does not exist yet."""
    if podman("image", "exists", BASE_IMAGE, check=False).returncode == 0:
        return BASE_IMAGE
    with tempfile.TemporaryDirectory(prefix="pc-rootfs-") as rootfs:
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", rootfs, DEBIAN_MIRROR],
                       check=True, capture_output=True)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        env = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
        subprocess.run(["podman", "import", "-", BASE_IMAGE], stdin=tar.stdout, check=True,
                       env=env, capture_output=True)
        tar.wait()
    return BASE_IMAGE


def build_context(target: Path) -> Path:
    """Tracked files + frontend/models + the vendor folders of node_modules (symlinks
    followed: a worktree may link them)."""
    from backend.assets import VENDOR_PACKAGES

    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copytree(REPO / "frontend" / "models", target / "frontend" / "models",
                    dirs_exist_ok=True)
    for folder in set(VENDOR_PACKAGES.values()):
        shutil.copytree(REPO / "node_modules" / folder, target / "node_modules" / folder,
                        dirs_exist_ok=True)
    return target


def _client_setting(candidates: list[str | None]) -> str | None:
    return next((path for path in candidates if path and Path(path).is_file()), None)


def build(tag: str = APP_IMAGE) -> tuple[str, float]:
    started = time.monotonic()
    base = ensure_base_image()
    pip_conf = _client_setting([os.environ.get("PIP_CONFIG_FILE"),
                                str(Path.home() / ".config" / "pip" / "pip.conf"),
                                "/etc/pip.conf"])
    ca_bundle = _client_setting([os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE"),
                                 "/etc/ssl/certs/ca-certificates.crt"])
    with tempfile.TemporaryDirectory(prefix="pc-context-") as tmp:
        context = build_context(Path(tmp))
        command = ["build", "--layers", "--network", "host", "-f", str(context / "deploy" / "Dockerfile"),
                   "--build-arg", f"BASE_IMAGE={base}", "--build-arg", "MODELS_FROM=context",
                   "--target", "runtime", "-t", tag]
        empty = context / ".empty"
        empty.write_text("")
        command += ["--secret", f"id=pipconf,src={pip_conf or empty}",
                    "--secret", f"id=cacert,src={ca_bundle or empty}"]
        podman(*command, str(context))
    image_id = podman("image", "inspect", "--format", "{{.Id}}", tag,
                      capture=True).stdout.strip()
    return image_id, time.monotonic() - started


def main(argv: list[str]) -> int:
    if argv[:1] != ["build"]:
        print(__doc__)
        return 2
    image_id, seconds = build()
    print(f"built {APP_IMAGE} {image_id[:12]} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
