"""Builds the app image (deploy/Dockerfile) with Debian's podman and runs it.

podman runs here as root with runc, cgroupfs, no default ulimits and host networking
(deploy/containers.conf). No image registry is reachable, so the base image is made once
with `debootstrap --variant=minbase bookworm` and `podman import`, and reused. Package
registries are reached with this machine's pip client settings and CA bundle, handed to the
build as secrets (never stored in a layer). The build context is assembled in a temporary
folder: the tracked files, the exported models and the npm files the pages load.

    .venv/bin/python -m tools.container build      # prints the image id and the wall time
    .venv/bin/python -m tools.container build --models export   # the models made in the build
    .venv/bin/python -m tools.container build --stack   # + nginx, MariaDB, Redis (compose.yaml)
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
# deploy/compose.yaml's images: the Dockerfile's targets, tagged as the compose file names them.
STACK_IMAGES = {"runtime": APP_IMAGE, "nginx": "localhost/people-counter-nginx:local",
                "mariadb": "localhost/people-counter-mariadb:local",
                "redis": "localhost/people-counter-redis:local"}
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


def build_context(target: Path, models: bool = True) -> Path:
    """Tracked files + frontend/models (unless the build exports its own) + the vendor
    folders of node_modules (symlinks followed: a worktree may link them)."""
    from backend.assets import VENDOR_PACKAGES

    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    if models:
        shutil.copytree(REPO / "frontend" / "models", target / "frontend" / "models",
                        dirs_exist_ok=True)
    else:   # COPY frontend/models of the unused models-context stage still needs the folder
        (target / "frontend" / "models").mkdir(parents=True, exist_ok=True)
    for folder in set(VENDOR_PACKAGES.values()):
        shutil.copytree(REPO / "node_modules" / folder, target / "node_modules" / folder,
                        dirs_exist_ok=True)
    return target


def _client_setting(candidates: list[str | None]) -> str | None:
    return next((path for path in candidates if path and Path(path).is_file()), None)


PIP_CONFIG_FILES = ["/etc/xdg/pip/pip.conf", "/etc/pip.conf",
                    str(Path.home() / ".pip" / "pip.conf"),
                    str(Path.home() / ".config" / "pip" / "pip.conf")]
PATH_KEYS = {"find-links", "index-url", "extra-index-url", "constraint", "requirement"}


def pip_settings() -> tuple[str, list[str]]:
    """This machine's pip client settings as one pip.conf text (the files pip reads, in its
    order, then PIP_* variables; the certificate is handed over on its own) and the local
    folders or files they name (find-links folders, file:// indexes, a constraints file),
    which the build mounts read-only at the same paths for its RUN steps only."""
    import configparser

    merged: dict[str, str] = {}
    for path in [*PIP_CONFIG_FILES, os.environ.get("PIP_CONFIG_FILE")]:
        if not path or not Path(path).is_file():
            continue
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(path)
        for section in ("global", "install"):
            if parser.has_section(section):
                merged.update(parser.items(section))
    for name, value in os.environ.items():
        if name.startswith("PIP_") and name not in ("PIP_CONFIG_FILE", "PIP_CERT"):
            merged[name[4:].lower().replace("_", "-")] = value
    merged.pop("cert", None)
    mounts: list[str] = []
    for key, value in merged.items():
        if key not in PATH_KEYS:
            continue
        for item in value.split():
            local = item[len("file://"):] if item.startswith("file://") else item
            if "index-url" in key and item.startswith("file://"):
                local = str(Path(local).parent)   # a simple/ index links to ../files
            if local.startswith("/") and Path(local).exists() and local not in mounts:
                mounts.append(local)
    text = "[global]\n" + "".join(f"{key} = {value}\n" for key, value in merged.items())
    return text, mounts


def build(tag: str = APP_IMAGE, models: str = "context",
          targets: dict[str, str] | None = None) -> tuple[str, float]:
    """models="context": frontend/models exported on this machine; "export": made inside the
    build by the models-export stage (torch CPU; see deploy/Dockerfile). targets: {Dockerfile
    target: tag} built one after the other from one context (shared stages are cached
    layers); by default the runtime stage as `tag`. Returns the id of the first image."""
    targets = targets or {"runtime": tag}
    if models not in ("context", "export"):
        raise ValueError("models is context or export")
    started = time.monotonic()
    base = ensure_base_image()
    ca_bundle = _client_setting([os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE"),
                                 "/etc/ssl/certs/ca-certificates.crt"])
    conf_text, mounts = pip_settings()
    with tempfile.TemporaryDirectory(prefix="pc-context-") as tmp:
        context = build_context(Path(tmp) / "context", models=models == "context")
        pip_conf = Path(tmp) / "pip.conf"   # outside the context: never COPY'd
        pip_conf.write_text(conf_text)
        empty = Path(tmp) / "empty"
        empty.write_text("")
        command = ["build", "--layers", "--network", "host",
                   "-f", str(context / "deploy" / "Dockerfile"),
                   "--build-arg", f"BASE_IMAGE={base}", "--build-arg", f"MODELS_FROM={models}",
                   "--build-arg", "TORCH_INDEX=",
                   "--secret", f"id=pipconf,src={pip_conf}",
                   "--secret", f"id=cacert,src={ca_bundle or empty}"]
        for path in mounts:
            command += ["-v", f"{path}:{path}:ro"]
        for target, target_tag in targets.items():
            podman(*command, "--target", target, "-t", target_tag, str(context))
    image_id = podman("image", "inspect", "--format", "{{.Id}}", next(iter(targets.values())),
                      capture=True).stdout.strip()
    return image_id, time.monotonic() - started


COMPOSE_FILE = REPO / "deploy" / "compose.yaml"
PODMAN_HOSTNET = REPO / "deploy" / "podman-hostnet"


def compose_command(project: str) -> list[str]:
    """Debian's podman-compose on deploy/compose.yaml (host network: see deploy/podman-hostnet)."""
    return ["podman-compose", "--podman-path", str(PODMAN_HOSTNET), "-p", project,
            "-f", str(COMPOSE_FILE)]


def build_stack(models: str = "context") -> tuple[str, float]:
    """The four images of deploy/compose.yaml."""
    return build(models=models, targets=STACK_IMAGES)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tools.container", description=__doc__)
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--models", choices=["context", "export"], default="context",
                        help="export: the models-export stage (torch CPU) makes them")
    parser.add_argument("--stack", action="store_true",
                        help="also the nginx, MariaDB and Redis images of deploy/compose.yaml")
    args = parser.parse_args(argv)
    image_id, seconds = (build_stack(args.models) if args.stack else build(models=args.models))
    print(f"built {APP_IMAGE} {image_id[:12]} (models from {args.models}"
          f"{', and the stack' if args.stack else ''}) in {seconds:.0f} s ({seconds / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
