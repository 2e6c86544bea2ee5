"""The outbound host policy: a client reaches only hosts `manifest.json` declares.

Every client checks it on construction and before each request, so a host a reviewer
cannot see in the manifest is a host the service cannot reach. Loopback (the simulators)
is allowed only in sandbox mode and tests.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from urllib.parse import urlsplit

from clients.errors import ConfigError

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class OutboundHostDenied(ConfigError):
    """Raised when a client tries to reach a host no `outbound-access` policy allows."""

    def __init__(self, url: str) -> None:
        host = urlsplit(url).hostname or url
        super().__init__(
            f"outbound access to {host!r} is not allowed: add an 'outbound-access' policy "
            f"for it to manifest.json",
            code="outbound_host_denied",
        )
        self.host = host


@dataclass(frozen=True)
class OutboundPolicy:
    """Host patterns (fnmatch style, e.g. ``*.myvtex.com``) the service may call.

    Loopback is only allowed in sandbox mode and in tests, where the simulators listen.
    """

    host_patterns: tuple[str, ...]
    allow_loopback: bool = False

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host or parts.scheme not in ("http", "https"):
            return False
        if host in LOOPBACK_HOSTS:
            return self.allow_loopback
        if parts.scheme != "https":
            return False
        return any(fnmatch.fnmatchcase(host, pattern) for pattern in self.host_patterns)

    def check(self, url: str) -> None:
        if not self.allows(url):
            raise OutboundHostDenied(url)

    def with_loopback(self) -> OutboundPolicy:
        return OutboundPolicy(self.host_patterns, allow_loopback=True)
