"""The app manifest (VTEX IO style) as the source of truth for routes and outbound hosts.

The manifest is not decoration: the web app registers exactly the routes it declares, and
every HTTP client asks the outbound policy before it opens a connection, so a host that a
reviewer cannot see in `manifest.json` is a host the service cannot reach.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from clients.outbound import OutboundPolicy

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "manifest.json"


_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")


def path_template(manifest_path: str) -> str:
    """VTEX IO writes path parameters as `:name`; aiohttp and OpenAPI as `{name}`."""
    return _PARAM.sub(r"{\1}", manifest_path)


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    methods: tuple[str, ...]
    public: bool


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
