"""Reading action parameters the way Seller Center does: each bad value has its own code."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import xmltodict

from simulators.linio.envelope import Refused, parse_when

Query = dict[str, str]


def integer(q: Query, name: str, default: int, *, minimum: int, refusal: Refused) -> int:
    raw = q.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise refusal from None
    if value < minimum:
        raise refusal
    return value


def page(
    q: Query, default_limit: int, limit_name: str = "Limit", bad_limit: Refused | None = None
) -> tuple[int, int]:
    """(offset, limit): `E014: "<value>" Invalid Offset`, `E019: "<value>" Invalid Limit`
    (the docs' messages embed the value; E015 for a PageSize)."""
    offset = integer(
        q,
        "Offset",
        0,
        minimum=0,
        refusal=Refused(14, f'E014: "{q.get("Offset", "")}" Invalid Offset'),
    )
    refusal = bad_limit or Refused(19, f'E019: "{q.get(limit_name, "")}" Invalid Limit')
    return offset, integer(q, limit_name, default_limit, minimum=1, refusal=refusal)


def json_list(q: Query, name: str, refusal: Refused) -> list[str] | None:
    """List parameters travel as JSON arrays (`[1,2]`, `["a","b"]`); None when absent."""
    raw = q.get(name)
    if raw is None or raw == "":
        return None
    try:
        values = json.loads(raw)
    except ValueError:
        raise refusal from None
    if not isinstance(values, list):
        raise refusal
    return [str(v) for v in values]


def when(q: Query, name: str, refusal: Refused, zone: dt.tzinfo = dt.UTC) -> dt.datetime | None:
    """A date filter; a naive one is wall-clock time of the host's `zone`."""
    if not q.get(name):
        return None
    try:
        return parse_when(q[name], zone)
    except ValueError:
        raise refusal from None


def records(body: str, element: str) -> list[Any]:
    """The repeated `<Request><element>` children of a POST body (one or many)."""
    if not body.strip():
        raise Refused(30, "E030: Empty Request")
    try:
        document = xmltodict.parse(body)
    except Exception:
        raise Refused(5, "E005: Invalid Request Format") from None
    request = document.get("Request") if isinstance(document, dict) else None
    found = (request or {}).get(element) if isinstance(request, dict) else None
    if found is None:
        return []
    return found if isinstance(found, list) else [found]
