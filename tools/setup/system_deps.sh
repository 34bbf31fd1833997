#!/usr/bin/env bash
# Installs the Debian packages the browser tests need when they are missing.
# Never downloads a browser build of its own: Chromium comes from Debian.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# The IP-camera tests serve RTSP with GStreamer's RTSP server (tools/rtsp_test_server.py).
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0'); gi.require_version('GstApp', '1.0')" >/dev/null 2>&1 \
  || missing+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
# The production tests (tests/production): nginx in front, Redis shared by the instances.
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
# The container test: Debian's podman with runc (deploy/containers.conf), a debootstrap base.
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
# deploy/compose.yaml is run by Debian's podman-compose (1.0.3 in bookworm).
command -v podman-compose >/dev/null 2>&1 || missing+=(podman-compose)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "Installing Debian packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
