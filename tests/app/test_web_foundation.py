import copy

from aiohttp import encode_basic_auth, web
from aiohttp.test_utils import TestClient, TestServer

from app.manifest import load_manifest, parse_manifest
from app.runtime import Runtime
from app.settings import Settings
from app.web import create_app
from handlers import ROUTE_HANDLERS


async def _client(app: web.Application) -> TestClient:
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_health_and_ready(settings: Settings, runtime: Runtime) -> None:
    client = await _client(create_app(settings, runtime=runtime))
    try:
        health = await client.get("/health")
        assert health.status == 200 and (await health.json())["status"] == "ok"
        assert health.headers["X-Request-Id"]
        ready = await client.get("/ready")
        body = await ready.json()
        assert ready.status == 200, body
        assert body["checks"]["mongodb"]["ok"] and body["checks"]["broker"]["ok"]
    finally:
        await client.close()


async def test_ready_reports_a_dead_dependency(settings: Settings, runtime: Runtime) -> None:
    client = await _client(create_app(settings, runtime=runtime))
    try:
        await runtime.broker.close()
        ready = await client.get("/ready")
        body = await ready.json()
        assert ready.status == 503
        assert body["checks"]["broker"]["ok"] is False and body["checks"]["mongodb"]["ok"]
    finally:
        await client.close()


async def test_errors_have_one_json_shape(settings: Settings, runtime: Runtime) -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"size": len(await request.read())})

    raw = copy.deepcopy(load_manifest().raw)
    raw["routes"]["echo"] = {"path": "/echo", "methods": ["POST"], "public": True}
    raw["routes"]["private"] = {"path": "/private", "methods": ["GET"], "public": False}
    app = create_app(
        settings.with_(max_request_bytes=2048),
        runtime=runtime,
        manifest=parse_manifest(raw),
        handlers={**ROUTE_HANDLERS, "echo": echo, "private": echo},
    )
    client = await _client(app)
    try:
        missing = await client.get("/nowhere")
        assert missing.status == 404
        assert (await missing.json())["error"]["code"] == "not_found"
        wrong_method = await client.get("/echo")
        assert wrong_method.status == 405
        assert (await wrong_method.json())["error"]["code"] == "method_not_allowed"
        too_big = await client.post("/echo", data=b"x" * 5000)
        assert too_big.status == 413
        assert (await too_big.json())["error"]["code"] == "payload_too_large"
        ok = await client.post("/echo", data=b"x" * 100)
        assert (await ok.json()) == {"size": 100}
        anonymous = await client.get("/private")
        assert anonymous.status == 401 and "WWW-Authenticate" in anonymous.headers
        assert (await anonymous.json())["error"]["code"] == "unauthorized"
        wrong = await client.get(
            "/private", headers={"Authorization": encode_basic_auth("admin", "nope")}
        )
        assert wrong.status == 401
        signed_in = await client.get(
            "/private", headers={"Authorization": encode_basic_auth("admin", "test-admin-password")}
        )
        assert signed_in.status == 200
    finally:
        await client.close()
