"""What every dashboard page shares: language, the template context, flashes, redirects.

Language: `?lang=es|en` (remembered in a cookie), else the cookie, else Accept-Language;
Spanish by default. UI labels come from `app/i18n.py`, error texts and actions from the
error catalogue (`domain/errors/`), both through the context's `t(...)` and `err(...)`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from app.admin_auth import CSRF_FIELD, csrf_token, viewer
from app.i18n import LANGUAGES, TEXTS, pick_language, translate
from app.web_keys import STORAGE, STORES
from domain.dashboard import DashboardReader, ListFilter
from domain.errors import CATALOGUE

LANG_COOKIE = "lang"


def language(request: web.Request) -> str:
    query = request.query.get("lang")
    if query in LANGUAGES:
        return query
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return pick_language(None, request.headers.get("Accept-Language"))


def reader(request: web.Request) -> DashboardReader:
    return DashboardReader(request.app[STORAGE].db)


def url(path: str, query: Mapping[str, Any] | None = None, **more: Any) -> str:
    """`path` with the non-empty query values (filters, cursors) encoded."""
    values = {k: v for k, v in {**(query or {}), **more}.items() if v not in (None, "")}
    return f"{path}?{urlencode(values)}" if values else path


def when(value: Any) -> str:
    """A timestamp as the pages show it: `2026-11-29 21:30:05 UTC`; other values as text."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return "" if value is None else str(value)


def pretty(value: Any) -> str:
    """JSON content (logs, dead letters) indented for a <pre>; other text unchanged."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


async def context(request: web.Request, **values: Any) -> dict[str, Any]:
    lang = language(request)
    session = await get_session(request)
    flashes = session.pop("flash", [])
    who = viewer(request)
    query = {k: v for k, v in request.query.items() if k != "lang"}

    def t(key: str, **params: Any) -> str:
        text = translate(key, lang)
        return text.format(**params) if params else text

    def label(prefix: str, value: Any) -> str:
        """The UI label `prefix.value` when i18n has it, else the value itself (states
        and stages a flow added after this page was written still show)."""
        key = f"{prefix}.{value}"
        return translate(key, lang) if key in TEXTS else str(value)

    def err(code: str, **params: Any) -> dict[str, str]:
        item = CATALOGUE[code]
        return {
            "code": code,
            "message": item.render(lang, **params),
            "action": item.render_action(lang, **params),
        }

    return {
        "lang": lang,
        "other_lang": "en" if lang == "es" else "es",
        "switch_url": url(request.path, query, lang="en" if lang == "es" else "es"),
        "t": t,
        "err": err,
        "label": label,
        "when": when,
        "pretty": pretty,
        "url": url,
        "viewer": who,
        "may_act": bool(who and who.may_act and who.via == "session"),
        "csrf_field": CSRF_FIELD,
        "csrf": await csrf_token(request),
        "flashes": [_flash_text(f, lang) for f in flashes],
        "path": request.path,
        **values,
    }


def _flash_text(flash: Mapping[str, Any], lang: str) -> dict[str, str]:
    params = flash.get("params") or {}
    if flash.get("code"):
        item = CATALOGUE[flash["code"]]
        return {
            "kind": "error",
            "text": item.render(lang, **params),
            "action": item.render_action(lang, **params),
        }
    return {"kind": "ok", "text": translate(flash["key"], lang).format(**params), "action": ""}


async def flash(
    request: web.Request, *, key: str | None = None, code: str | None = None, **params: Any
) -> None:
    """A message for the next page: a UI text (`key`, i18n) or an error (`code`, catalogue)."""
    session = await get_session(request)
    session["flash"] = [
        *session.get("flash", []),
        {"key": key, "code": code, "params": {k: str(v) for k, v in params.items()}},
    ]


async def render(request: web.Request, template: str, **values: Any) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, await context(request, **values))
    lang = request.query.get("lang")
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def local_path(value: str | None, default: str) -> str:
    """`value` when it is a path on this site (never `//host` or `http://…`), else default."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


async def store_ids(request: web.Request) -> list[str]:
    return sorted(await request.app[STORES].ids())


def page_number(request: web.Request) -> int:
    """The 1-based `?page=` of a list (1 when absent or not a number)."""
    try:
        return max(1, int(request.query.get("page", "1")))
    except ValueError:
        return 1


async def list_page(
    request: web.Request, filter_type: type[ListFilter], template: str, **values: Any
) -> web.Response:
    """A SKU or order list: the filter from the query string, one page of rows, counts
    per state and the stores to filter by, rendered with `template` (plus `values`)."""
    flt = filter_type.from_query(request.query)
    number = page_number(request)
    read = reader(request)
    rows, more = await read.list_page(flt, page=number)
    return await render(
        request,
        template,
        flt=flt,
        filter_query=flt.as_query(),
        rows=rows,
        more=more,
        page_number=number,
        counts=await read.state_counts(flt),
        stores=await store_ids(request),
        **values,
    )
