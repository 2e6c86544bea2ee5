"""The app manifest (VTEX IO style) as the source of truth for routes and outbound hosts.

The manifest is not decoration: the web app registers exactly the routes it declares, and
every HTTP client asks the outbound policy before it opens a connection, so a host that a
reviewer cannot see in `manifest.json` is a host the service cannot reach.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "manifest.json"

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class OutboundHostDenied(PermissionError):
    """Raised when a client tries to reach a host no `outbound-access` policy allows."""

    def __init__(self, url: str) -> None:
        host = urlsplit(url).hostname or url
        super().__init__(
            f"outbound access to {host!r} is not allowed: add an 'outbound-access' policy "
            f"for it to manifest.json"
        )
        self.host = host


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    methods: tuple[str, ...]
    public: bool


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


@dataclass(frozen=True)
class Manifest:
    vendor: str
    name: str
    version: str
    title: str
    routes: tuple[Route, ...]
    outbound_hosts: tuple[str, ...]
    settings_schema: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def outbound_policy(self, *, allow_loopback: bool = False) -> OutboundPolicy:
        return OutboundPolicy(self.outbound_hosts, allow_loopback=allow_loopback)

    def route(self, name: str) -> Route:
        for route in self.routes:
            if route.name == name:
                return route
        raise KeyError(name)


def parse_manifest(data: dict[str, Any]) -> Manifest:
    for key in ("vendor", "name", "version", "title", "policies", "routes", "settingsSchema"):
        if key not in data:
            raise ValueError(f"manifest.json: missing required key {key!r}")
    routes = tuple(
        Route(
            name=name,
            path=spec["path"],
            methods=tuple(m.upper() for m in spec.get("methods", ["GET"])),
            public=bool(spec.get("public", False)),
        )
        for name, spec in data["routes"].items()
    )
    hosts = tuple(
        policy["attrs"]["host"].lower()
        for policy in data["policies"]
        if policy.get("name") == "outbound-access"
    )
    return Manifest(
        vendor=data["vendor"],
        name=data["name"],
        version=data["version"],
        title=data["title"],
        routes=routes,
        outbound_hosts=hosts,
        settings_schema=data["settingsSchema"],
        raw=data,
    )


@lru_cache(maxsize=1)
def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    return parse_manifest(json.loads(path.read_text(encoding="utf-8")))
