"""IP camera addresses: which URLs a user may add, how ffmpeg is told to read one, and how
ffmpeg's complaints become a clear error that never contains the URL or its credentials.

Pure (no Flask, no processes), so the rules are tested directly.

- Schemes: rtsp:// and rtsps:// (RTSP cameras), http:// and https:// (MJPEG, or HLS when the
  path ends in .m3u8). Credentials in the URL (`rtsp://user:pass@host/...`) are allowed: they
  are the camera's, and they stay on the server.
- Private and loopback addresses are what IP cameras use, so they are allowed (for the
  owner's own cameras: only the owner's viewers start a reader). Link-local (169.254/16 with
  the cloud metadata service, fe80::/10), multicast, unspecified and reserved addresses are
  refused, when the URL is saved (IP literals) and when each reader starts (resolved names).
- A hosted server shared by many accounts (CAMERA_ALLOW_PRIVATE=false) refuses every
  address that is not a public internet address, with the webhooks' rule
  (webhook_targets.address_kind): otherwise the relay's error codes (unreachable, not found,
  wrong credentials) let a user map the server's own network.
- ffmpeg is pinned to the address that was checked where the protocol allows (http://: the
  URL's host is replaced by the address, the Host header keeps the name; rtsp://: through
  the relay's guard, rtsp_guard.py, which also stops RTSP redirects), so a name that
  resolves differently a moment later (DNS rebinding) cannot send it elsewhere. https://
  and rtsps:// keep the name (TLS needs it for the server name). HLS goes through a
  checking proxy (http_guard.py) that judges every host a playlist names.
- ffmpeg gets a protocol whitelist of the URL's own scheme family, so a redirect (or an HLS
  playlist) can never make it open file:, data:, another scheme's server or a subprocess;
  over http(s) it follows no redirect at all (-max_redirects 0), so an address that passed
  the checks cannot send it on to one that would not."""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from . import webhook_targets

KINDS = ("rtsp", "mjpeg", "hls")
SCHEME_KINDS = {"rtsp": "rtsp", "rtsps": "rtsp", "http": "mjpeg", "https": "mjpeg"}
# Protocols ffmpeg may open for each scheme: a redirect to anything else fails.
PROTOCOLS = {
    "rtsp": "rtsp,rtp,tcp,udp",
    "rtsps": "rtsp,rtp,tcp,udp,tls",
    "http": "http,tcp",
    "https": "https,tls,tcp",
}
HLS_PROTOCOLS = {"http": "http,tcp,crypto", "https": "https,tls,tcp,crypto"}
MAX_URL_LENGTH = 1000
_CONTROL = re.compile(r"[\s\x00-\x20\x7f-\x9f]")
_ANY_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+")


class CameraUrlError(ValueError):
    """The URL cannot be a camera; str(exc) says why without repeating the URL."""


@dataclass(frozen=True)
class CameraUrl:
    url: str
    scheme: str
    host: str
    port: int | None
    kind: str          # rtsp | mjpeg | hls
    username: str | None
    password: str | None


# Cloud metadata services outside link-local: Alibaba Cloud's (in 100.64.0.0/10, whose other
# addresses, e.g. a Tailscale network's, may well be cameras) and AWS's IPv6 one (in fd00::/8,
# private like a LAN's).
METADATA_ADDRESSES = frozenset(map(ipaddress.ip_address, ("100.100.100.200", "fd00:ec2::254")))


def _refused_address(address: ipaddress._BaseAddress) -> str | None:
    """Why an IP address may not be a camera (None when it may)."""
    if isinstance(address, ipaddress.IPv6Address):
        # an IPv4 address inside IPv6 (::ffff:a.b.c.d, 6to4, Teredo) is judged as itself
        embedded = address.ipv4_mapped or address.sixtofour or (
            address.teredo[1] if address.teredo else None)
        if embedded is not None:
            address = embedded
    if address in METADATA_ADDRESSES:
        return "a cloud metadata service address"
    if address.is_loopback or (address.is_private and not address.is_link_local
                               and not address.is_unspecified and not address.is_reserved):
        return None  # cameras live on the LAN; the owner's own machine is allowed too
    if address.is_link_local:
        return "a link-local address (such as the cloud metadata service)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address (0.0.0.0 or ::)"
    if address.is_reserved:
        return "a reserved address"
    return None


def _ip_literal(host: str) -> ipaddress._BaseAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:  # 127.1, 0x7f000001, 2130706433: inet_aton's spellings, as a resolver reads them
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


PRIVATE_REFUSED = ("This server accepts cameras on public internet addresses only, and this "
                   "address is {what}. Give the address the camera is reachable at from the "
                   "internet.")
_KIND_WORDS = {"loopback": "this server itself (loopback)",
               "private": "a private (LAN) address", "link-local": "a link-local address",
               "multicast": "a multicast address", "unspecified": "an unspecified address",
               "reserved": "a reserved address", "site-local": "a site-local address",
               "non-public": "not a public internet address"}


def _private_refusal(kind: str) -> str:
    return PRIVATE_REFUSED.format(what=_KIND_WORDS.get(kind, "not a public internet address"))


def parse(url: str, kind: str | None = None, *, allow_private: bool = True) -> CameraUrl:
    """Checks a camera URL as typed; CameraUrlError with a reason that does not quote it.
    allow_private=False (CAMERA_ALLOW_PRIVATE): only public internet addresses, as far as
    can be seen without DNS (localhost's names, IP literals in every spelling)."""
    if not isinstance(url, str) or not url:
        raise CameraUrlError("Give the camera's address.")
    if len(url) > MAX_URL_LENGTH:
        raise CameraUrlError(f"The address is longer than {MAX_URL_LENGTH} characters.")
    if _CONTROL.search(url):
        raise CameraUrlError("The address contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CameraUrlError("The address is not a valid URL (check the port).") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEME_KINDS:
        raise CameraUrlError("Use an rtsp://, rtsps://, http:// or https:// address.")
    host = parts.hostname
    if not host:
        raise CameraUrlError("The address has no host name.")
    literal = _ip_literal(host)
    if literal is not None:
        reason = _refused_address(literal)
        if reason:
            raise CameraUrlError(f"The address points at {reason}.")
    if not allow_private:
        try:
            what = webhook_targets.host_kind(host)
        except webhook_targets.TargetRefused:
            raise CameraUrlError("The address's host name is not valid.") from None
        if what:
            raise CameraUrlError(_private_refusal(what))
    detected = SCHEME_KINDS[scheme]
    if scheme in ("http", "https") and parts.path.lower().endswith(".m3u8"):
        detected = "hls"
    if kind is not None:
        if kind not in KINDS:
            raise CameraUrlError(f"kind must be one of {', '.join(KINDS)}.")
        if (kind == "rtsp") != (detected == "rtsp"):
            raise CameraUrlError("RTSP cameras need an rtsp:// address; MJPEG and HLS an "
                                 "http:// or https:// one.")
        detected = kind
    return CameraUrl(url=url, scheme=scheme, host=host, port=port, kind=detected,
                     username=unquote(parts.username) if parts.username else None,
                     password=unquote(parts.password) if parts.password else None)


def check_resolved(camera: CameraUrl, resolver=socket.getaddrinfo, *,
                   allow_private: bool = True) -> str:
    """Resolves the host now and refuses the addresses a camera may not have (every one the
    name has); returns the address to connect to. CameraUrlError("refused_address") or,
    with allow_private=False, CameraUrlError("private_address")."""
    try:
        infos = resolver(camera.host, camera.port or 0, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise CameraUrlError("unknown_host") from None
    addresses = [info[4][0].split("%")[0] for info in infos]
    if not addresses:
        raise CameraUrlError("unknown_host")
    for address in addresses:
        if _refused_address(ipaddress.ip_address(address)):
            raise CameraUrlError("refused_address")
        if not allow_private and webhook_targets.address_kind(address):
            raise CameraUrlError("private_address")
    return addresses[0]


def pinned(camera: CameraUrl, address: str | None,
           port_number: int | None = None) -> tuple[str, list[str]]:
    """The URL ffmpeg opens and its extra options: for rtsp:// and http:// the checked
    address in place of the host name (a Host header keeps the name for http), so ffmpeg
    does not resolve the name again; https:// and rtsps:// unchanged (TLS needs the name).
    port_number: another port (rtsp:// goes through the relay's guard, rtsp_guard.py)."""
    if address is None or camera.scheme not in ("rtsp", "http"):
        return camera.url, []
    parts = urlsplit(camera.url)
    userinfo, _, _ = parts.netloc.rpartition("@")
    host = f"[{address}]" if ":" in address else address
    if port_number is None:
        port_number = camera.port
    port = f":{port_number}" if port_number is not None else ""
    netloc = f"{userinfo}@{host}{port}" if "@" in parts.netloc else f"{host}{port}"
    url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    if camera.scheme != "http":
        return url, []
    try:
        name = camera.host.encode("idna").decode("ascii")
    except UnicodeError:
        name = camera.host
    name = f"[{name}]" if ":" in name else name
    named_port = f":{camera.port}" if camera.port is not None else ""
    return url, ["-headers", f"Host: {name}{named_port}\r\n"]


def ffmpeg_command(camera: CameraUrl, *, ffmpeg: str = "ffmpeg", timeout_seconds: float = 5,
                   max_fps: float = 10, max_width: int = 1280, quality: int = 5,
                   address: str | None = None, port: int | None = None,
                   proxy: str | None = None) -> list[str]:
    """ffmpeg reading the camera and writing JPEG frames (concatenated) to stdout;
    address (and port): where ffmpeg connects instead of the URL's host, the address
    check_resolved vetted or the guard in front of it (see pinned)."""
    micros = str(int(timeout_seconds * 1_000_000))
    args = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error"]
    # proxy: every request through the relay's checking proxy (http_guard.py): for HLS
    # the playlist, segments on any host and keys, one request a connection; for https://
    # MJPEG its one connection. https is tunnelled (CONNECT: ffmpeg's httpproxy protocol),
    # so the TLS name stays the host's while the connection goes to the checked address.
    protocols = (HLS_PROTOCOLS if camera.kind == "hls" else PROTOCOLS)[camera.scheme]
    args += ["-protocol_whitelist",
             protocols + (",httpproxy" if proxy and camera.scheme == "https" else "")]
    if proxy:
        args += ["-http_proxy", proxy]
        if camera.kind == "hls":
            args += ["-http_persistent", "0"]
    if camera.kind == "rtsp":
        args += ["-rtsp_transport", "tcp", "-timeout", micros]
    else:
        # No redirects: a public address answering 302 to http://169.254.169.254/ (or to any
        # host the checks above would refuse) made ffmpeg fetch it, past every check.
        args += ["-rw_timeout", micros, "-reconnect", "0", "-max_redirects", "0"]
    url, options = pinned(camera, address, port)
    args += options
    args += ["-probesize", "1000000", "-analyzeduration", "2000000", "-fflags", "nobuffer",
             "-i", url, "-map", "0:v:0", "-an", "-sn", "-dn",
             "-vf", f"fps=fps={max_fps}:round=down,scale='min({max_width},iw)':-2",
             "-c:v", "mjpeg", "-q:v", str(quality), "-f", "mjpeg", "-flush_packets", "1",
             "pipe:1"]
    return args


def scrub(text: str, camera: CameraUrl | None = None) -> str:
    """Text from ffmpeg with the URL, its user name and password, and any other URL removed."""
    if camera is not None:
        secrets = [camera.url, unquote(camera.url)]
        for value in (camera.password, camera.username):
            if value and len(value) >= 2:
                secrets += [value, _quote_variants(value)]
        for secret in sorted(set(secrets), key=len, reverse=True):
            if secret:
                text = text.replace(secret, "***")
    return _ANY_URL.sub("<camera address>", text)


def _quote_variants(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


# ffmpeg's words -> (code, message). Messages are fixed text: nothing of ffmpeg's output
# (which quotes the URL) reaches a page or a log.
ERRORS = {
    "wrong_credentials": "The camera refused the user name or password (HTTP/RTSP 401 or "
                         "403). Check the credentials in the camera's address.",
    "not_found": "The camera answered, but has no stream at that path (404). Check the "
                 "path in the camera's address.",
    "unreachable": "The camera could not be reached (connection refused or timed out). "
                   "Check the host, the port and that the camera is on.",
    "unknown_host": "The camera's host name could not be resolved.",
    "refused_address": "The camera's host name resolves to an address a camera may not "
                       "have (link-local, multicast, unspecified, reserved or a cloud "
                       "metadata service).",
    "private_address": "The camera's host name resolves to a private, loopback or other "
                       "non-public address, and this server accepts cameras on public "
                       "internet addresses only.",
    "unsupported": "The camera answered, but not with a video stream this server can read "
                   "(unsupported format or codec).",
    "no_video": "The stream has no video track.",
    "redirect_refused": "The camera's address redirects elsewhere, and the relay follows no "
                        "redirect: give the address the camera's stream is really at.",
    "server_error": "The camera (or the server in front of it) answered with an error.",
    "stream_ended": "The camera's stream ended.",
    "stalled": "The camera stopped sending pictures.",
    "failed": "The camera's stream could not be read.",
}

_PATTERNS = (
    ("wrong_credentials", re.compile(r"\b40[13]\b|unauthori[sz]ed|forbidden", re.I)),
    ("not_found", re.compile(r"\b404\b|not found(?! for)|no such file", re.I)),
    ("unknown_host", re.compile(r"resolve|name or service not known|nodename nor servname|"
                                r"temporary failure in name resolution", re.I)),
    ("unreachable", re.compile(r"connection refused|timed out|timeout|no route to host|"
                               r"network is unreachable|host is down|connection reset|"
                               r"end of file|broken pipe", re.I)),
    ("no_video", re.compile(r"matches no streams|no video", re.I)),
    ("unsupported", re.compile(r"invalid data found|decoder .* not found|unsupported|"
                               r"could not find codec|not supported|unknown format|"
                               r"protocol not on whitelist|protocol not found|"
                               r"failed to find stream info|could not write header", re.I)),
    ("server_error", re.compile(r"\b5\d\d\b|server error", re.I)),
    # invalid argument: a redirect to another scheme; input/output error: any redirect over
    # http(s) (-max_redirects 0 ends it with EIO and no words of its own)
    ("redirect_refused", re.compile(r"invalid argument|input/output error", re.I)),
)


def classify(stderr: str, *, produced_frames: bool) -> str:
    """The error code for an ffmpeg that exited, from what it wrote to stderr."""
    for code, pattern in _PATTERNS:
        if pattern.search(stderr):
            return code
    return "stream_ended" if produced_frames else "failed"
