"""The HTTP server's own edges: its protocol errors in our JSON shape, and read timeouts.

aiohttp answers a malformed request (a header line over 8,190 bytes, bad HTTP) itself, in
text/plain, and logs a traceback; and it waits for a first request's headers as long as its
keep-alive allows. `HardenedAppRunner` serves the same application with:

- protocol errors as `{"error": {...}}` (the shape of `app.http_errors`), logged in one line;
- a connection cut when its first request's headers have not arrived within
  `read_timeout` seconds (idle or half-sent); bodies are bounded by `handlers.common`.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

import structlog
from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_server import Server

from app.http_errors import HTTP_CODES, ApiError, error_body, language
from domain.errors import entry

log = structlog.get_logger(__name__)


class _HardenedHandler(RequestHandler):
    def __init__(self, *args: Any, read_timeout: float = 15.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._header_timer = self._loop.call_later(self.read_timeout, self._cut_if_silent)

    def _cut_if_silent(self) -> None:
        if self._request_count == 0 and self.transport is not None:
            log.info("connection_cut", reason="no request headers", seconds=self.read_timeout)
            self.transport.close()

    def connection_lost(self, exc: BaseException | None) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:
            raise ConnectionError("response already started; cannot send the error")
        log.warning(
            "http_protocol_error",
            status=status,
            error=type(exc).__name__ if exc else None,
            remote=request.remote,
        )
        code = HTTP_CODES.get(status, "http_error")
        detail = (message or HTTPStatus(status).phrase)[:200]
        params = {"detail": detail} if "detail" in entry(code).message.placeholders() else {}
        error = ApiError(code, status=status, **params)
        response = web.Response(
            status=status,
            text=json.dumps(error_body(error, language(request))),
            content_type="application/json",
        )
        response.force_close()
        return response


class _HardenedServer(Server):
    def __call__(self) -> RequestHandler:
        return _HardenedHandler(self, loop=self._loop, **self._kwargs)


class HardenedAppRunner(web.AppRunner):
    """`web.AppRunner` whose connections use the handler above."""

    def __init__(self, app: web.Application, *, read_timeout: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._read_timeout = read_timeout

    async def _make_server(self) -> Server:
        server = await super()._make_server()
        # aiohttp builds its Server in Application._make_handler; only the class of the
        # connection handler changes, so the built server is re-classed, not rebuilt.
        server.__class__ = _HardenedServer
        server._kwargs["read_timeout"] = self._read_timeout  # type: ignore[attr-defined]
        return server
