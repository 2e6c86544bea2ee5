"""`/admin/logs`: the seller log filtered by store, flow, status, code, period, SKU and order,
keyset-paginated; each entry with VTEX's fields and the action to take.
`/admin/logs.csv`: the same filtered view as CSV, personal data masked (CLARIFICATIONS §5)."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web

from app.admin_auth import api, page
from domain.dashboard import FLOWS, LogFilter
from domain.errors import CATALOGUE
from domain.personal_data import mask_personal_text
from domain.seller_log import STATUSES
from handlers.admin.common import language, reader, render, store_ids, when

LOG_CODES = sorted(code for code, item in CATALOGUE.items() if item.log_status)
CONTENT_FIELDS = ("ContentSource", "ContentTranslated", "ContentDestination")
CSV_COLUMNS = (
    "at",
    "store_id",
    "flow",
    "code",
    "Status",
    "Operation",
    "Direction",
    "sku_id",
    "order_id",
    "BusinessMessage",
    "Message",
    "Action",
    *CONTENT_FIELDS,
    "id",
)


def masked(doc: dict[str, Any]) -> dict[str, Any]:
    """The entry with buyers' personal data masked in its payloads."""
    return {
        **doc,
        **{f: mask_personal_text(str(doc.get(f) or "")) for f in CONTENT_FIELDS},
    }


@page
async def logs_page(request: web.Request) -> web.Response:
    flt = LogFilter.from_query(request.query)
    read = reader(request)
    result = await read.log_page(flt, after=request.query.get("after"))
    return await render(
        request,
        "logs.html",
        flt=flt,
        filter_query=flt.as_query(),
        result=result,
        entries=[masked(doc) for doc in result.entries],
        stores=await store_ids(request),
        flows=FLOWS,
        statuses=STATUSES,
        codes=LOG_CODES,
        first_page=not request.query.get("after"),
    )


def csv_row(doc: dict[str, Any], lang: str) -> list[str]:
    doc = masked(doc)
    values = {
        **{c: doc.get(c) for c in CSV_COLUMNS},
        "at": when(doc.get("at")),
        "Message": (doc.get("Message") or {}).get(lang, ""),
        "Action": (doc.get("Action") or {}).get(lang, ""),
        "id": doc.get("_id"),
    }
    return ["" if values[c] is None else str(values[c]) for c in CSV_COLUMNS]


@api
async def logs_csv(request: web.Request) -> web.StreamResponse:
    """Streams the filtered view (newest first, at most `EXPORT_CAP` rows), UTF-8 with BOM
    so spreadsheet programs read the accents."""
    flt = LogFilter.from_query(request.query)
    lang = language(request)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="vtex-linio-logs.csv"',
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    n = 0
    async for doc in reader(request).iter_logs(flt):
        writer.writerow(csv_row(doc, lang))
        n += 1
        if n % 500 == 0:
            await response.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    await response.write(buffer.getvalue().encode("utf-8"))
    await response.write_eof()
    return response
