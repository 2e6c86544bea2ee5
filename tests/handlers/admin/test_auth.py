"""Login, sessions, CSRF, roles and headers of the dashboard, through HTTP on a real service."""

from __future__ import annotations

from urllib.parse import unquote

from aiohttp import encode_basic_auth
from aiohttp.test_utils import TestClient

from app.admin_auth import access, hash_password, verify_password
from app.manifest import load_manifest
from app.runtime import Runtime
from handlers import ROUTE_HANDLERS
from tests.handlers.admin.conftest import ADMIN, SUPPORT, csrf_of, login, post_form

PAGES = [
    "/admin",
    "/admin/logs",
    "/admin/skus",
    "/admin/orders",
    "/admin/dead-letters",
    "/admin/mappings",
    "/admin/stores",
]


def test_passwords_are_kept_as_scrypt_hashes() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("scrypt$") and "correct horse" not in hashed
    assert verify_password("correct horse", hashed)
    assert not verify_password("wrong horse", hashed)
    assert not verify_password("correct horse", "scrypt$garbage")


async def test_private_pages_redirect_to_login_and_apis_answer_401(service: TestClient) -> None:
    for path in PAGES:
        response = await service.get(path + "?x=1", allow_redirects=False)
        assert response.status == 302, path
        assert unquote(response.headers["Location"]) == f"/login?next={path}?x=1"
        assert response.headers["Cache-Control"] == "no-store"
    for path in ("/admin/api/overview", "/admin/logs.csv"):
        response = await service.get(path)
        assert response.status == 401
        assert (await response.json())["error"]["code"] == "unauthorized"
    # a form action without a session goes to the login page too
    response = await post_form(service, "/admin/sku/retry", None, {"sku_id": "1"})
    assert response.status == 302 and response.headers["Location"].startswith("/login")


async def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(
    service: TestClient,
) -> None:
    page = await service.get("/login")
    assert page.status == 200
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Frame-Options"] == "DENY"
    html = await page.text()
    response = await service.post(
        "/login",
        data={
            "user": ADMIN[0],
            "password": ADMIN[1],
            "csrf_token": csrf_of(html),
            "next": "/admin/logs?flow=catalog",
        },
        allow_redirects=False,
    )
    assert response.status == 302 and response.headers["Location"] == "/admin/logs?flow=catalog"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    overview = await service.get("/admin")
    assert overview.status == 200 and "Resumen por tienda" in await overview.text()
    csrf = csrf_of(await overview.text())
    assert (await post_form(service, "/logout", csrf)).status == 302
    assert (await service.get("/admin", allow_redirects=False)).status == 302


async def test_login_refuses_an_offsite_next_and_a_missing_csrf_token(
    service: TestClient,
) -> None:
    html = await (await service.get("/login?next=//evil.example/x")).text()
    assert 'value="//evil.example/x"' not in html
    refused = await service.post("/login", data={"user": ADMIN[0], "password": ADMIN[1]})
    assert refused.status == 403
    assert (await refused.json())["error"]["code"] == "csrf_failed"
    assert (await service.get("/admin", allow_redirects=False)).status == 302


async def test_a_wrong_password_shows_the_catalogue_text_and_is_throttled(
    service: TestClient,
) -> None:
    csrf = csrf_of(await (await service.get("/login")).text())
    wrong = await service.post(
        "/login",
        data={"user": ADMIN[0], "password": "nope-nope", "csrf_token": csrf},
        headers={"Accept-Language": "es"},
    )
    assert wrong.status == 401
    assert "Usuario o contraseña incorrectos." in await wrong.text()
    for _ in range(9):
        await service.post("/login", data={"user": ADMIN[0], "password": "x", "csrf_token": csrf})
    throttled = await service.post(
        "/login", data={"user": ADMIN[0], "password": ADMIN[1], "csrf_token": csrf}
    )
    assert throttled.status == 429 and "Retry-After" in throttled.headers
    assert (await throttled.json())["error"]["code"] == "too_many_attempts"


async def test_actions_without_the_csrf_token_are_refused(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    await runtime.stores.upsert(make_store())  # type: ignore[operator]
    csrf = await login(service)
    for path in (
        "/admin/stores/acme-mx/active",
        "/admin/stores/acme-mx/load",
        "/admin/sku/retry",
        "/admin/dead-letters/replay",
        "/admin/mappings",
    ):
        missing = await post_form(service, path, None, {"active": "0"})
        assert missing.status == 403, path
        assert (await missing.json())["error"]["code"] == "csrf_failed"
        forged = await post_form(service, path, "not-the-token", {"active": "0"})
        assert forged.status == 403, path
    assert (await runtime.stores.get("acme-mx")).active  # type: ignore[union-attr]
    done = await post_form(service, "/admin/stores/acme-mx/active", csrf, {"active": "0"})
    assert done.status == 302
    assert not (await runtime.stores.get("acme-mx")).active  # type: ignore[union-attr]


async def test_the_support_user_reads_everything_and_changes_nothing(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    await runtime.stores.upsert(make_store())  # type: ignore[operator]
    csrf = await login(service, SUPPORT)
    for path in PAGES:
        page = await service.get(path)
        assert page.status == 200, path
        text = await page.text()
        assert "solo lectura" in text
        assert 'action="/admin/stores/acme-mx/active"' not in text
    refused = await post_form(service, "/admin/stores/acme-mx/active", csrf, {"active": "0"})
    assert refused.status == 403
    assert (await refused.json())["error"]["code"] == "read_only"
    assert (await runtime.stores.get("acme-mx")).active  # type: ignore[union-attr]
    assert (await post_form(service, "/logout", csrf)).status == 302


async def test_http_basic_keeps_working_for_apis_but_never_for_form_actions(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    await runtime.stores.upsert(make_store())  # type: ignore[operator]
    basic = {"Authorization": encode_basic_auth(*ADMIN)}
    overview = await service.get("/admin/api/overview", headers=basic)
    assert overview.status == 200
    assert [s["store_id"] for s in (await overview.json())["stores"]] == ["acme-mx"]
    assert (await service.get("/acme/logs/", headers=basic)).status == 200
    action = await service.post("/admin/stores/acme-mx/active", data={"active": "0"}, headers=basic)
    assert action.status == 403
    assert (await action.json())["error"]["code"] == "session_required"
    wrong = {"Authorization": encode_basic_auth(ADMIN[0], "wrong-password")}
    assert (await service.get("/admin/api/overview", headers=wrong)).status == 401


SAMPLE_PARAMS = {"store_id": "acme-mx", "kind": "courier_map"}


def action_paths() -> list[str]:
    """Every dashboard form action the manifest declares (handlers marked `action`), with
    sample path parameters: a new action is covered here without touching this test."""
    paths = []
    for route in load_manifest().routes:
        if route.public or access(ROUTE_HANDLERS[route.name]) != "action":
            continue
        path = route.path
        for name, value in SAMPLE_PARAMS.items():
            path = path.replace(f":{name}", value)
        assert ":" not in path, f"add a sample for {path} to SAMPLE_PARAMS"
        paths.append(path)
    return paths


async def test_every_action_needs_a_session_its_csrf_token_and_the_admin_role(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    await runtime.stores.upsert(make_store())  # type: ignore[operator]
    paths = action_paths()
    assert {"/admin/skus/price-guard", "/admin/stores/acme-mx/rules"} <= set(paths)
    for path in paths:
        anonymous = await post_form(service, path, None, {"active": "0"})
        assert anonymous.status == 302, path
        assert anonymous.headers["Location"].startswith("/login"), path
    await login(service, SUPPORT)
    support_csrf = csrf_of(await (await service.get("/admin")).text())
    for path in paths:
        missing = await post_form(service, path, None, {"active": "0"})
        assert (await missing.json())["error"]["code"] == "csrf_failed", path
        refused = await post_form(service, path, support_csrf, {"active": "0"})
        assert refused.status == 403, path
        assert (await refused.json())["error"]["code"] == "read_only", path
    assert (await runtime.stores.get("acme-mx")).active  # type: ignore[union-attr]
