"""The log page: filters, keyset pages, VTEX's fields with the action, CSV export of the
filtered view with buyers' personal data masked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from aiohttp.test_utils import TestClient

from app.runtime import Runtime
from app.storage import LOGS
from domain.dashboard import LogFilter, decode_cursor, encode_cursor
from tests.handlers.admin.conftest import login, write_log

BUYER = {
    "clientProfileData": {"email": "ana.buyer@example.com", "document": "12345678909"},
    "phone": "+52 55 1234 5678",
    "marketplaceOrderId": "LIN-778",
}


def test_a_filter_is_its_query_string_and_its_mongo_query() -> None:
    flt = LogFilter.from_query(
        {"store": "acme-mx", "status": "error", "since": "2026-11-01", "sku": "bad sku!"}
    )
    assert flt.sku == ""  # not an id: dropped, never passed to the database
    assert flt.as_query() == {"store": "acme-mx", "status": "error", "since": "2026-11-01"}
    query = flt.mongo()
    assert query["store_id"] == "acme-mx" and query["Status"] == "error"
    assert query["at"]["$gte"] == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    doc = {"at": dt.datetime(2026, 11, 2, 3, 4, 5, 678_901, tzinfo=dt.UTC), "_id": "abc"}
    assert decode_cursor(encode_cursor(doc)) == (doc["at"], "abc")
    assert decode_cursor("garbage") is None


async def test_logs_are_filtered_and_show_vtex_fields_and_the_action(
    service: TestClient, runtime: Runtime
) -> None:
    await write_log(runtime)
    await write_log(
        runtime,
        code="gave_up",
        params={"store": "acme-mx", "detail": "VTEX answered 500 ten times"},
        flow="price",
        operation="Price update",
        sku_id="77",
        content_source={"sku": "77"},
        content_destination="<ErrorResponse/>",
    )
    await write_log(
        runtime,
        code="linio_auth",
        params={"store": "acme-mx", "detail": "E007"},
        flow="order",
        operation="Order status update",
        direction="Marketplace to VTEX",
        sku_id=None,
        order_id="LIN-778",
        content_source=BUYER,
    )
    await login(service)
    page = await (await service.get("/admin/logs?status=error&flow=price")).text()
    assert page.count('class="log-entry"') == 1
    assert "Se agotaron los intentos en la tienda acme-mx: VTEX answered 500 ten times" in page
    assert "Qué hacer" in page  # the catalogue's action, in Spanish
    for field in ("Operation", "Direction", "ContentSource", "ContentDestination"):
        assert f"<th>{field}</th>" in page
    assert "Price update" in page and "&lt;ErrorResponse/&gt;" in page  # escaped
    english = await (await service.get("/admin/logs?status=error&flow=price&lang=en")).text()
    assert "Gave up" in english or "attempts" in english
    by_order = await (await service.get("/admin/logs?order=LIN-778")).text()
    assert by_order.count('class="log-entry"') == 1
    assert "ana.buyer@example.com" not in by_order and "12345678909" not in by_order
    by_sku = await (await service.get("/admin/logs?sku=1&code=S1")).text()
    assert by_sku.count('class="log-entry"') == 1
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    later = await (await service.get(f"/admin/logs?since={tomorrow}&lang=es")).text()
    assert 'class="log-entry"' not in later and "No hay registros" in later


async def test_pages_follow_the_cursor_through_every_entry_once(
    service: TestClient, runtime: Runtime
) -> None:
    base = dt.datetime.now(dt.UTC).replace(microsecond=0)
    docs = [
        {
            "_id": f"log{n:04d}",
            "store_id": "acme-mx",
            "at": base - dt.timedelta(seconds=n // 2),  # pairs share a timestamp
            "flow": "catalog",
            "code": "S1",
            "Status": "success",
            "Message": {"es": f"entrada {n}", "en": f"entry {n}"},
        }
        for n in range(120)
    ]
    await runtime.storage.db[LOGS].insert_many(docs)
    await login(service)
    seen: list[str] = []
    path = "/admin/logs?store=acme-mx"
    for _ in range(5):
        page = await (await service.get(path)).text()
        seen += re.findall(r"<code>(log\d{4})</code>", page)
        link = re.search(r'href="([^"]+)" id="next-page"', page)
        if not link:
            break
        path = link.group(1).replace("&amp;", "&")
    newest_first = sorted(docs, key=lambda d: (d["at"], d["_id"]), reverse=True)
    assert seen == [d["_id"] for d in newest_first]  # every entry once, in order


async def test_csv_exports_the_filtered_view_with_personal_data_masked(
    service: TestClient, runtime: Runtime
) -> None:
    await write_log(runtime)
    await write_log(
        runtime,
        code="linio_auth",
        params={"store": "acme-mx", "detail": "E007"},
        flow="order",
        operation="Order status update",
        direction="Marketplace to VTEX",
        sku_id=None,
        order_id="LIN-778",
        content_source=BUYER,
        content_destination="<Phone>5512345678</Phone><OrderId>778</OrderId>",
    )
    await login(service)
    response = await service.get("/admin/logs.csv?flow=order&lang=en")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = (await response.read()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["order_id"] == "LIN-778" and row["code"] == "linio_auth"
    assert row["Message"].startswith("Seller Center refused the credentials")
    assert row["Action"]  # the seller's action travels with the export
    assert "ana.buyer@example.com" not in text and "12345678909" not in text
    assert "5512345678" not in text and "***909" in text
    assert "<OrderId>778</OrderId>" in row["ContentDestination"]  # ids stay readable


async def test_pages_span_time_windows_and_respect_the_period(runtime: Runtime) -> None:
    """Entries spread over 40 days (ties included) come back once each, newest first, across
    the reader's growing windows; `since`/`until` bound them."""
    from domain.dashboard import DashboardReader

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    docs = [
        {
            "_id": f"w{n:04d}",
            "store_id": "acme-mx" if n % 3 else "other-mx",
            "at": now - dt.timedelta(hours=(n // 2) * 8),
            "flow": "catalog" if n % 4 else "price",
            "code": "E1" if n % 10 == 0 else ("S1" if n % 7 else "A3"),
            "Status": "error" if n % 10 == 0 else "success",
        }
        for n in range(240)
    ]
    await runtime.storage.db[LOGS].insert_many(docs)
    reader = DashboardReader(runtime.storage.db)

    async def walk(flt: LogFilter) -> list[str]:
        seen, after = [], None
        for _ in range(20):
            page = await reader.log_page(flt, after=after, size=25)
            seen += [d["_id"] for d in page.entries]
            if page.next_cursor is None:
                return seen
            after = page.next_cursor
        raise AssertionError("the cursor never ended")

    def expected(keep: object) -> list[str]:
        chosen = [d for d in docs if keep(d)]  # type: ignore[operator]
        return [d["_id"] for d in sorted(chosen, key=lambda d: (d["at"], d["_id"]), reverse=True)]

    assert await walk(LogFilter(store="acme-mx")) == expected(lambda d: d["store_id"] == "acme-mx")
    assert await walk(LogFilter(status="error")) == expected(lambda d: d["Status"] == "error")
    # several fields: the database reads one index (store, code), the rest is checked here
    both = LogFilter(store="acme-mx", flow="catalog", code="S1", status="success")
    assert await walk(both) == expected(
        lambda d: (
            (d["store_id"], d["flow"], d["code"], d["Status"])
            == ("acme-mx", "catalog", "S1", "success")
        )
    )
    exported = [d["_id"] async for d in reader.iter_logs(both)]
    assert exported == await walk(both)
    since = (now - dt.timedelta(days=10)).date()
    until = (now - dt.timedelta(days=2)).date()
    start = dt.datetime.combine(since, dt.time.min, dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, dt.UTC)
    assert await walk(LogFilter(since=since, until=until)) == expected(
        lambda d: start <= d["at"] < end
    )
