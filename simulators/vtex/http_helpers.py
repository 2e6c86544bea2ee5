"""Small HTTP helpers shared by the route modules: the app key, VTEX's error body, JSON input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from simulators.vtex.server import VtexSimulator

SIM: web.AppKey[VtexSimulator] = web.AppKey("vtex_simulator")


def sim_of(request: web.Request) -> VtexSimulator:
    return request.app[SIM]


def vtex_error(status: int, code: str, message: str) -> web.Response:
    """The ``{"error": {code, message, exception}}`` body OMS, checkout and fulfillment use."""
    return web.json_response(
        {"error": {"code": code, "message": message, "exception": None}}, status=status
    )


async def json_body(request: web.Request) -> Any:
    """Parsed body, or a 400 in VTEX's shape (raised, so handlers stay linear)."""
    try:
        return await request.json()
    except ValueError:
        raise web.HTTPBadRequest(
            text='{"error":{"code":"1","message":"Invalid JSON body","exception":null}}',
            content_type="application/json",
        ) from None


def int_id(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise web.HTTPBadRequest(
            text='{"error":{"code":"1","message":"Id must be an integer","exception":null}}',
            content_type="application/json",
        ) from None
