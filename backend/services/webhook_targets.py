"""Which addresses a zone's webhook may be sent to, and one POST to a vetted address.

A webhook URL is chosen by a user, and the server posts to it: without checks that is a
server-side request forgery (the cloud metadata service, Redis on 127.0.0.1:6379, the
office LAN; the delivery status would tell an attacker which ports answer). So:

- only http:// and https://, no user name or password in the URL;
- the host is resolved (getaddrinfo) when a delivery is sent, and the delivery is refused
  when ANY of its addresses is loopback, private, link-local, multicast, unspecified or
  reserved, IPv4 or IPv6, however it is written (`0x7f000001`, `2130706433`, `0`, `[::1]`,
  `::ffff:127.0.0.1`, `localhost`), unless `allow_private` (WEBHOOK_ALLOW_PRIVATE);
- the connection goes to the vetted address itself (Host header and TLS server name keep
  the URL's host), so a DNS answer that changes between check and connect cannot redirect
  it; redirects are never followed (a 3xx is a failed delivery)."""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote, urlsplit

SCHEMES = {"http": 80, "https": 443}
LOCAL_NAMES = ("localhost", "localhost.", "localhost.localdomain")
Resolver = Callable[..., list]


class TargetRefused(ValueError):
    """The URL may not be posted to; str(exc) says why, for people and for the status."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str       # as written in the URL (Host header, TLS server name)
    port: int
    path: str       # path and query, at least "/"


@dataclass(frozen=True)
class VettedTarget:
    target: Target
    address: str    # the resolved IP address to connect to


def parse_target(url: str) -> Target:
    """The parts of an http(s) URL; TargetRefused for other schemes, credentials, no host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise TargetRefused("only http:// and https:// addresses are allowed")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise TargetRefused("a user name or password in the URL is not allowed")
    if not parts.hostname:
        raise TargetRefused("the URL has no host")
    if port == 0:
        raise TargetRefused("port 0 is not a port a receiver can listen on")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port or SCHEMES[scheme], ascii_path(path))


def ascii_path(path: str) -> str:
    """The path and query as a browser sends them: characters beyond printable ASCII
    (Tür, Köln) percent-encoded as UTF-8 (http.client sends ASCII only); "%C3%A9" and the
    rest stay as written."""
    return "".join(char if "!" <= char <= "~" else quote(char, safe="") for char in path)


def address_kind(address: str) -> str | None:
    """What kind of non-public address an IP address is ("loopback", "private", ...), or
    None when it is a public internet address. One rule for webhooks and, on servers that
    refuse private camera addresses (CAMERA_ALLOW_PRIVATE=false), IP cameras."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return address_kind(str(embedded))
    for attribute, what in (("is_unspecified", "unspecified"), ("is_loopback", "loopback"),
                            ("is_link_local", "link-local"), ("is_multicast", "multicast"),
                            ("is_private", "private"), ("is_reserved", "reserved"),
                            # fec0::/10, deprecated but still routed inside some sites; Python
                            # counts it as global
                            ("is_site_local", "site-local")):
        if getattr(ip, attribute, False):
            return what
    if not ip.is_global:
        return "non-public"
    return None


def address_problem(address: str) -> str | None:
    """Why an IP address is not a public internet address, or None when it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:  # an IPv4 address inside IPv6 is named as itself
        ip = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None) or ip
    kind = address_kind(str(ip))
    return f"{kind} address {ip}" if kind else None


def literal_address(host: str) -> str | None:
    """The IP address a host written as a number stands for (every spelling the C library
    accepts: 127.1, 0x7f000001, 2130706433, 0, ::1), else None. No DNS lookup."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def resolver_host(host: str) -> str:
    """The host name as the resolver will ask for it: IDNA folds other Unicode spellings
    (full-width digits, circled letters) to ASCII, so "１２７.０.０.１" is 127.0.0.1."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise TargetRefused(f"{host} is not a valid host name") from None


def check_url(url: str, allow_private: bool) -> None:
    """The checks that need no DNS (for saving a zone): TargetRefused when the URL can be
    seen to be refused at send time. The send-time check (vet) is the one that counts."""
    target = parse_target(url)
    if allow_private:
        return
    if is_local_name(target.host):
        raise TargetRefused(f"{target.host} is this server itself")
    address = literal_address(resolver_host(target.host).rstrip("."))
    problem = address and address_problem(address)
    if problem:
        raise TargetRefused(f"the {problem} is not allowed")


def is_local_name(host: str) -> bool:
    """localhost and its spellings (a trailing dot, the root, changes nothing for the
    resolver; *.localhost is this machine too)."""
    host = resolver_host(host).rstrip(".")
    return host in LOCAL_NAMES or host.endswith(".localhost")


def host_kind(host: str) -> str | None:
    """What kind of non-public address a host visibly is without DNS: "loopback" for
    localhost's names, else address_kind of an IP written in any spelling (127.1,
    0x7f000001, full-width digits); None for a name (the resolved check decides) or a
    public address. TargetRefused for a host the resolver could not read."""
    if is_local_name(host):
        return "loopback"
    address = literal_address(resolver_host(host).rstrip("."))
    return address_kind(address) if address else None


def vet(url: str, allow_private: bool, resolver: Resolver | None = None) -> VettedTarget:
    """Parses and resolves the URL now (resolver: socket.getaddrinfo unless given);
    TargetRefused when it may not be posted to."""
    target = parse_target(url)
    try:
        infos = (resolver or socket.getaddrinfo)(target.host, target.port,
                                                 type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"cannot resolve {target.host} ({exc})") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise TargetRefused(f"{target.host} has no address")
    if not allow_private:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise TargetRefused(f"{target.host} is a {problem}")
    return VettedTarget(target, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a given address; Host stays the URL's host."""

    def __init__(self, vetted: VettedTarget, timeout: float) -> None:
        super().__init__(vetted.target.host, vetted.target.port, timeout=timeout)
        self._address = vetted.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to a given address; the certificate is checked for the URL's host."""

    def __init__(self, vetted: VettedTarget, timeout: float) -> None:
        super().__init__(vetted.target.host, vetted.target.port, timeout=timeout,
                         context=ssl.create_default_context())
        self._address = vetted.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(vetted: VettedTarget, body: bytes, headers: dict, timeout: float) -> int:
    """One POST to the vetted address; the HTTP status (redirects are not followed)."""
    kind = _PinnedHTTPSConnection if vetted.target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(vetted, timeout)
    try:
        connection.request("POST", vetted.target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()
