import copy
import json

import pytest
from aiohttp import web

from app.manifest import MANIFEST_PATH, load_manifest, parse_manifest, path_template
from app.settings import Settings
from app.web import RouteMismatch, create_app
from clients.outbound import OutboundHostDenied
from handlers import ROUTE_HANDLERS


def test_manifest_has_vtex_io_shape() -> None:
    raw = json.loads(MANIFEST_PATH.read_text())
    for key in (
        "vendor",
        "name",
        "version",
        "title",
        "description",
        "policies",
        "routes",
        "settingsSchema",
    ):
        assert key in raw
    hosts = {p["attrs"]["host"] for p in raw["policies"] if p["name"] == "outbound-access"}
    for tld in ("com.mx", "cl", "com.co", "com.pe"):
        assert f"sellercenter-api.linio.{tld}" in hosts
        assert f"sellercenter-api-staging.linio.{tld}" in hosts
    assert "*.vtexcommercestable.com.br" in hosts
    schema = raw["settingsSchema"]
    assert schema["properties"]["affiliateId"]["pattern"] == "^[B-DF-HJ-NP-TV-Z]{3}$"
    assert schema["properties"]["linioApiKey"]["writeOnly"] is True


def test_outbound_policy_allows_only_declared_hosts() -> None:
    policy = load_manifest().outbound_policy()
    assert policy.allows("https://acme.vtexcommercestable.com.br/api/catalog")
    assert policy.allows("https://sellercenter-api.linio.com.pe/?Action=GetBrands")
    assert not policy.allows("https://evil.example.com/")
    assert not policy.allows("http://acme.vtexcommercestable.com.br/")  # TLS only
    assert not policy.allows("https://vtexcommercestable.com.br.evil.com/")
    assert not policy.allows("http://127.0.0.1:8000/")  # loopback only in sandbox/tests
    with pytest.raises(OutboundHostDenied, match=r"evil\.example\.com"):
        policy.check("https://evil.example.com/x")
    assert policy.with_loopback().allows("http://127.0.0.1:8000/")


def test_routes_come_from_manifest(settings: Settings) -> None:
    manifest = load_manifest()
    app = create_app(settings, manifest=manifest)
    registered = {r.name for r in app.router.resources() if r.name}
    assert registered == {route.name for route in manifest.routes}
    assert path_template("/pub/orders/:orderId/invoice") == "/pub/orders/{orderId}/invoice"


def test_declared_route_without_handler_fails_startup(settings: Settings) -> None:
    raw = copy.deepcopy(load_manifest().raw)
    raw["routes"]["ghost"] = {"path": "/ghost", "methods": ["GET"], "public": True}
    with pytest.raises(RouteMismatch, match=r"without a handler.*ghost"):
        create_app(settings, manifest=parse_manifest(raw))


def test_undeclared_handler_fails_startup(settings: Settings) -> None:
    async def extra(request: web.Request) -> web.Response:
        return web.Response()

    with pytest.raises(RouteMismatch, match=r"not declared.*extra"):
        create_app(settings, handlers={**ROUTE_HANDLERS, "extra": extra})
