"""JSON error responses with one stable shape for every 4xx and 5xx.

`{"error": {"status": 400, "code": "invalid_json", "message": "…", "action": "…",
"details": …}}` — the code is for programs, the message and action for a person, both from
the error catalogue. Handlers raise `ApiError(code, **params)`; the error middleware turns it
(and aiohttp's own HTTP errors) into that shape.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from domain.errors import entry


class ApiError(Exception):
    """An error answer: a code of the error catalogue (`domain/errors/api.py`) and the
    values of its placeholders. Status, message and action come from the catalogue and are
    rendered in the caller's language (Accept-Language: Spanish or English) by
    `error_response`; `KeyError` for a code the catalogue lacks (a bug, caught by tests)."""

    def __init__(
        self,
        code: str,
        /,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
        status: int | None = None,
        **params: Any,
    ) -> None:
        self.entry = entry(code)
        super().__init__(self.entry.render("en", **params))
        self.code = code
        self.params = params
        self.status = status or self.entry.http_status or 500
        self.details = details
        self.headers = headers or {}

    def message(self, lang: str = "en") -> str:
        return self.entry.render(lang, **self.params)

    def action(self, lang: str = "en") -> str:
        return self.entry.render_action(lang, **self.params)


def language(request: web.BaseRequest | None) -> str:
    """`es` when the caller prefers Spanish (Accept-Language), else English."""
    accept = request.headers.get("Accept-Language", "") if request is not None else ""
    return "es" if accept.strip().lower().startswith("es") else "en"


def error_body(error: ApiError, lang: str = "en") -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": error.status,
        "code": error.code,
        "message": error.message(lang),
        "action": error.action(lang),
    }
    if error.details is not None:
        body["details"] = error.details
    return {"error": body}


def error_response(error: ApiError, request: web.BaseRequest | None = None) -> web.Response:
    return web.json_response(
        error_body(error, language(request)), status=error.status, headers=error.headers
    )


# Catalogue codes for the errors aiohttp raises itself (routing, size limits, methods).
HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def from_http_exception(exc: web.HTTPException) -> ApiError:
    code = HTTP_CODES.get(exc.status, "http_error")
    headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}
    detail = exc.text if exc.status in (400, 413) or code == "http_error" else ""
    params = (
        {"detail": detail or exc.reason} if "detail" in entry(code).message.placeholders() else {}
    )
    return ApiError(code, status=exc.status, headers=headers, **params)
