"""JSON error responses with one stable shape for every 4xx and 5xx.

`{"error": {"status": 400, "code": "invalid_json", "message": "…", "details": …}}` — the
code is for programs, the message for a person, and it says what to do. Handlers raise
`ApiError`; the error middleware turns it (and aiohttp's own HTTP errors) into that shape.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(error: ApiError) -> web.Response:
    return web.json_response(
        error_body(error.status, error.code, error.message, error.details),
        status=error.status,
        headers=error.headers,
    )


# Codes and messages for errors aiohttp raises itself (routing, size limits, methods).
DEFAULT_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request is malformed."),
    401: ("unauthorized", "Authentication is required."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "No such route. See /openapi.json for the routes this service offers."),
    405: ("method_not_allowed", "This route does not accept that HTTP method."),
    413: ("payload_too_large", "The request body is larger than this service accepts."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    429: ("too_many_requests", "Too many requests; retry later."),
    500: ("internal_error", "Unexpected error; it was logged. Retry later."),
    503: ("unavailable", "A dependency is unavailable; retry later."),
}


def from_http_exception(exc: web.HTTPException) -> ApiError:
    code, message = DEFAULT_CODES.get(exc.status, ("http_error", exc.reason))
    if exc.status == 413:
        message = f"{message} ({exc.text})" if exc.text else message
    headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}
    return ApiError(exc.status, code, message, headers=headers)
