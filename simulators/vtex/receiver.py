"""A stand-in for the connector's inbound routes: records every callback the simulator makes.

Used by the simulator's own tests and by anyone who needs to see what VTEX would send
without running the connector. ``answers`` lets a test make a route fail (e.g. the cancel
callback answering 500) to check the OMS side-effects of a failed delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    body: Any


class CallbackReceiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, int] = {}  # path suffix → status to answer
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        self.received.append(Received(request.method, request.path, dict(request.query), body))
        status = next(
            (s for suffix, s in self.answers.items() if request.path.endswith(suffix)), 200
        )
        answer = {"orderId": request.match_info.get("tail", ""), "receipt": "r-1", "date": "now"}
        return web.json_response(answer, status=status)

    async def __aenter__(self) -> CallbackReceiver:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def at(self, path_part: str) -> list[Received]:
        return [r for r in self.received if path_part in r.path]
