"""The aiohttp application factory (aiohttp's `polls` demo is the model).

Routes come from manifest.json: each declared route must have a handler in
`handlers.ROUTE_HANDLERS` and each handler must be declared, or the app refuses to start.
Resources are opened in `cleanup_ctx`, settings are passed in.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from urllib.parse import quote

import aiohttp_jinja2
import jinja2
import structlog
from aiohttp import web
from aiohttp_session import session_middleware
from pymongo.errors import ConnectionFailure

from app import db_counts
from app import web_keys as keys
from app.admin_auth import (
    ACCOUNTS,
    THROTTLE,
    VIEWER_KEY,
    Accounts,
    LoginThrottle,
    access,
    csrf_valid,
    identify,
    session_storage,
)
from app.broker import BrokerUnavailable
from app.http_errors import ApiError, error_response, from_http_exception
from app.manifest import Manifest, Route, load_manifest, path_template
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from app.web_keys import SETTINGS
from handlers import ROUTE_HANDLERS, RouteHandler
from handlers.store_status import STATUS_MEMO, StatusMemo

log = structlog.get_logger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
PUBLIC_ROUTE = "vtex_linio_public"


class RouteMismatch(RuntimeError):
    """manifest.json and the handler registry disagree; the service must not start."""


def check_routes(manifest: Manifest, handlers: Mapping[str, RouteHandler]) -> None:
    declared = {route.name for route in manifest.routes}
    missing = sorted(declared - set(handlers))
    undeclared = sorted(set(handlers) - declared)
    problems = []
    if missing:
        problems.append(f"routes declared in manifest.json without a handler: {missing}")
    if undeclared:
        problems.append(f"handlers not declared as routes in manifest.json: {undeclared}")
    if problems:
        raise RouteMismatch("; ".join(problems))


def register_routes(
    app: web.Application, manifest: Manifest, handlers: Mapping[str, RouteHandler]
) -> None:
    check_routes(manifest, handlers)
    for route in manifest.routes:
        _add(app, route, handlers[route.name])


def _add(app: web.Application, route: Route, handler: RouteHandler) -> None:
    resource = app.router.add_resource(path_template(route.path), name=route.name)
    for method in route.methods:
        added = resource.add_route(method, handler)
        if route.public:
            setattr(added, PUBLIC_ROUTE, True)


# Reads of state made on a timer (probes, scrapes, status polls, the overview's refresh):
# counted apart from the web pipeline's work (`app.db_counts`).
STATUS_ROUTES = frozenset({"health", "ready", "metrics", "store_status", "admin_api_overview"})


@web.middleware
async def pipeline_tag(request: web.Request, handler: RouteHandler) -> web.StreamResponse:
    """Tag the request's work `web`, or `status` for a status read (`STATUS_ROUTES`)."""
    name = request.match_info.route.name
    with db_counts.pipeline(db_counts.STATUS if name in STATUS_ROUTES else "web"):
        return await handler(request)


@web.middleware
async def request_context(request: web.Request, handler: RouteHandler) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    try:
        response = await handler(request)
    finally:
        structlog.contextvars.clear_contextvars()
    response.headers["X-Request-Id"] = request_id
    return response


@web.middleware
async def json_errors(request: web.Request, handler: RouteHandler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc, request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(from_http_exception(exc), request)
    except BrokerUnavailable as exc:
        # RabbitMQ away (restarting, unreachable): nothing was queued; the caller retries.
        log.warning("broker_unavailable", path=request.path, error=str(exc)[:200])
        return error_response(ApiError("broker_unavailable", headers={"Retry-After": "5"}), request)
    except ConnectionFailure as exc:
        # The database is away (restarting, unreachable): VTEX retries a 503, never a 500.
        log.warning("database_unavailable", path=request.path, error=type(exc).__name__)
        return error_response(
            ApiError("database_unavailable", headers={"Retry-After": "5"}), request
        )
    except Exception:
        log.exception("unhandled_error", path=request.path, method=request.method)
        return error_response(ApiError("internal_error"), request)


# Pages carry tokens and personal data: never cached, never framed, no referrer leaks.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@web.middleware
async def security_headers(request: web.Request, handler: RouteHandler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # redirects (to /login) carry them too
        _secure(exc.headers)
        raise
    _secure(response.headers)
    return response


def _secure(headers: Mapping[str, str]) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)  # type: ignore[attr-defined]


def admin_auth(settings: Settings) -> web.Middleware:
    """Private routes need a viewer (session or HTTP Basic, `app.admin_auth.identify`).

    Without one, pages redirect to /login and APIs answer 401. Form actions need a session
    (never Basic), its CSRF token and the admin role. Wrong Basic passwords are throttled
    per address like wrong logins."""

    @web.middleware
    async def middleware(request: web.Request, handler: RouteHandler) -> web.StreamResponse:
        route = request.match_info.route
        public = getattr(route, PUBLIC_ROUTE, False) or request.match_info.http_exception
        if public:
            return await handler(request)
        kind = access(request.match_info.handler)
        client = request.remote or "unknown"
        throttle = request.app[THROTTLE]
        if "Authorization" in request.headers:
            wait = throttle.retry_after(client)
            if wait:
                raise ApiError(
                    "too_many_attempts", headers={"Retry-After": str(wait)}, seconds=wait
                )
        who = await identify(request)
        if who is None:
            if "Authorization" in request.headers:
                throttle.failed(client)
            if kind != "api" and "Authorization" not in request.headers:
                raise web.HTTPFound(f"/login?next={quote(request.path_qs, safe='')}")
            raise ApiError(
                "unauthorized",
                headers={"WWW-Authenticate": 'Basic realm="vtex-linio", charset="UTF-8"'},
            )
        if kind in ("action", "own_action"):
            if who.via != "session":
                raise ApiError("session_required")
            if not await csrf_valid(request):
                raise ApiError("csrf_failed")
            if kind == "action" and not who.may_act:
                raise ApiError("read_only")
        request[VIEWER_KEY] = who
        return await handler(request)

    return middleware


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    manifest: Manifest | None = None,
    handlers: Mapping[str, RouteHandler] = ROUTE_HANDLERS,
) -> web.Application:
    """Build the web app; with `runtime` given (tests, `serve`), it is shared, not owned."""
    manifest = manifest or load_manifest()
    app = web.Application(
        client_max_size=settings.max_request_bytes,
        middlewares=[
            pipeline_tag,
            security_headers,
            request_context,
            json_errors,
            session_middleware(session_storage(settings)),
            admin_auth(settings),
        ],
    )
    app[SETTINGS] = settings
    app[ACCOUNTS] = Accounts(settings)
    app[THROTTLE] = LoginThrottle()
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.ChainableUndefined,
    )
    register_routes(app, manifest, handlers)

    if runtime is not None:
        provide(app, runtime)
    else:

        async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
            async with open_runtime(settings) as opened:
                provide(app, opened)
                yield

        app.cleanup_ctx.append(runtime_ctx)
    app.cleanup_ctx.append(_queue_watch)
    return app


async def _queue_watch(app: web.Application) -> AsyncIterator[None]:
    """The web process checks every queue for stalls while it runs (`app.broker.stalls`)."""
    monitor = app[keys.QUEUE_MONITOR]
    monitor.start()
    yield
    await monitor.stop()


def provide(app: web.Application, runtime: Runtime) -> None:
    """One app key per resource, filled from the runtime (handlers never see `Runtime`)."""
    app[keys.MANIFEST] = runtime.manifest
    app[keys.STORAGE] = runtime.storage
    app[keys.BROKER] = runtime.broker
    app[keys.STORES] = runtime.stores
    app[keys.INTAKE] = runtime.intake
    app[keys.SKU_STATES] = runtime.sku_states
    app[keys.LEDGER] = runtime.ledger
    app[keys.SELLER_LOG] = runtime.seller_log
    app[keys.DEAD_LETTERS] = runtime.dead_letters
    app[keys.CLIENTS] = runtime.clients
    app[keys.FEED_SCHEDULER] = runtime.feed_scheduler
    app[keys.MAPPINGS] = runtime.mappings
    app[keys.REFERENCE_CACHE] = runtime.reference_cache
    app[keys.LOADS] = runtime.loads
    app[keys.QUEUE_MONITOR] = runtime.queue_monitor
    app[STATUS_MEMO] = StatusMemo()
