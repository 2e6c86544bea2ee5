"""`/login` and `/logout`: a session for a dashboard account (see `app/admin_auth.py`)."""

from __future__ import annotations

from aiohttp import web
from aiohttp_session import get_session

from app.admin_auth import ACCOUNTS, THROTTLE, csrf_valid, own_action, start_session
from app.http_errors import ApiError
from handlers.admin.common import local_path, render


async def login_page(request: web.Request) -> web.Response:
    """The sign-in form (public); `next` is where to go afterwards (a local path)."""
    return await render(
        request, "login.html", next=local_path(request.query.get("next"), "/admin"), error=None
    )


async def login(request: web.Request) -> web.StreamResponse:
    """Check the form (CSRF token included), throttle wrong passwords per address."""
    form = await request.post()
    target = local_path(str(form.get("next", "")), "/admin")
    client = request.remote or "unknown"
    throttle = request.app[THROTTLE]
    wait = throttle.retry_after(client)
    if wait:
        raise ApiError("too_many_attempts", headers={"Retry-After": str(wait)}, seconds=wait)
    if not await csrf_valid(request):
        raise ApiError("csrf_failed")
    account = request.app[ACCOUNTS].check(str(form.get("user", "")), str(form.get("password", "")))
    if account is None:
        throttle.failed(client)
        response = await render(request, "login.html", next=target, error="login_failed")
        response.set_status(401)
        return response
    start_session(await get_session(request), account)
    raise web.HTTPFound(target)


@own_action
async def logout(request: web.Request) -> web.StreamResponse:
    (await get_session(request)).invalidate()
    raise web.HTTPFound("/login")
