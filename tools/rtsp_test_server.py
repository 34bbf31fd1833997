#!/usr/bin/python3
"""A real RTSP server for tests and benchmarks (no camera needed): GStreamer's RTSP server
(Debian: gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good, python3-gi) serving a
folder of JPEG frames in a loop as RTSP/RTP (JPEG payload, no re-encoding) on 127.0.0.1.
The frames must be baseline JPEGs with the standard Huffman tables (RFC 2435), e.g.
`ffmpeg -i clip.mp4 -pix_fmt yuvj420p -huffman default -q:v 4 DIR/%05d.jpg`.

    /usr/bin/python3 tools/rtsp_test_server.py --port 18654 --frames DIR [--fps 25]
        [--user U --password P]     # Basic authentication; wrong credentials get 401

Runs with Debian's python3 (the GObject bindings are a Debian package, not a pip one).
Prints "READY rtsp://127.0.0.1:PORT/cam" when it listens; stops on SIGTERM."""
import argparse
import signal
import sys
from pathlib import Path

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--frames", required=True, help="folder of 00001.jpg, 00002.jpg, ...")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    frames = [path.read_bytes() for path in sorted(Path(args.frames).glob("*.jpg"))]
    if not frames:
        print(f"no .jpg frames in {args.frames}", file=sys.stderr)
        sys.exit(1)
    # A live source paced by a GLib timer: the frames go out at the given rate, in a loop.
    factory.set_launch(
        f'( appsrc name=src is-live=true do-timestamp=true format=time '
        f'caps="image/jpeg,framerate={args.fps}/1,width={args.width},height={args.height}" '
        f'! rtpjpegpay name=pay0 pt=26 )')

    def on_configure(_factory, media):
        source = media.get_element().get_child_by_name("src")
        position = {"index": 0}

        def push():
            data = frames[position["index"] % len(frames)]
            position["index"] += 1
            return source.emit("push-buffer", Gst.Buffer.new_wrapped(data)) == Gst.FlowReturn.OK

        GLib.timeout_add(max(1, round(1000 / args.fps)), push)

    factory.connect("media-configure", on_configure)
    factory.set_shared(True)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        permissions.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        print("cannot listen", file=sys.stderr)
        sys.exit(1)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"READY rtsp://127.0.0.1:{args.port}/cam", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
