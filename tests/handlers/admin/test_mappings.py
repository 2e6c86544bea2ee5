"""Mappings: edit a row (saving releases the SKUs waiting on it), import and export the
plugin's CSV files, waiting SKUs listed, invalid rows refused with the catalogue's text."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.seller_window import SELLER_WINDOWS
from app.storage import ATTRIBUTE_MAP, BRAND_MAP, CATEGORY_MAP, SKU_STATES
from domain.mappings import InvalidMapping, parse_values
from domain.stores import StoreCredentials
from domain.work import parse_work
from simulators.linio import LinioSimulator
from simulators.linio.state import SimSeller
from tests.handlers.admin.conftest import login, post_form, published


def test_attribute_values_are_one_pair_per_line() -> None:
    assert parse_values("Rojo = Rojo\n\n Azul marino=Azul ") == {
        "Rojo": "Rojo",
        "Azul marino": "Azul",
    }
    try:
        parse_values("Rojo")
    except InvalidMapping as exc:
        assert "line 1" in str(exc)
    else:
        raise AssertionError("a line without '=' must be refused")


async def _waiting(runtime: Runtime) -> None:
    await runtime.storage.db[SKU_STATES].insert_many(
        [
            {
                "store_id": "acme-mx",
                "sku_id": "7",
                "product_id": "70",
                "status": "pending_mapping",
                "waiting_on": ["category:42"],
            },
            {
                "store_id": "acme-mx",
                "sku_id": "8",
                "status": "pending_mapping",
                "waiting_on": ["brand:5"],
            },
        ]
    )


async def test_saving_a_category_mapping_releases_the_skus_waiting_on_it(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    await runtime.stores.upsert(make_store())  # type: ignore[operator]
    await _waiting(runtime)
    csrf = await login(service)
    page = await (await service.get("/admin/mappings?store=acme-mx")).text()
    assert 'id="waiting"' in page and "42" in page and "Categorías" in page
    response = await post_form(
        service,
        "/admin/mappings",
        csrf,
        {"store": "acme-mx", "kind": "category", "vtex_id": "42", "linio_id": "1234"},
    )
    assert response.status == 302
    row = await runtime.storage.db[CATEGORY_MAP].find_one({"store_id": "acme-mx"})
    assert row is not None and (row["vtex_id"], row["linio_id"]) == ("42", "1234")
    [body] = await published(runtime.broker, queue_name("catalog", "acme-mx"), 1)
    work = parse_work(body)
    assert (work.sku_ids, work.action) == (("7",), "upsert")  # type: ignore[attr-defined]
    released = await runtime.sku_states.get("acme-mx", "7")
    still_waiting = await runtime.sku_states.get("acme-mx", "8")
    assert released is not None and "waiting_on" not in released  # released: waits no more
    assert still_waiting is not None and still_waiting["waiting_on"] == ["brand:5"]
    done = await (await service.get(response.headers["Location"])).text()
    assert "Mapeo guardado; 1 SKUs liberados." in done


async def test_invalid_rows_are_refused_and_attributes_are_saved(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    await runtime.stores.upsert(make_store())  # type: ignore[operator]
    csrf = await login(service)
    bad = await post_form(
        service,
        "/admin/mappings",
        csrf,
        {"store": "acme-mx", "kind": "brand", "vtex_id": "x1", "linio_id": "9"},
    )
    assert bad.status == 400
    error = (await bad.json())["error"]
    assert error["code"] == "invalid_mapping" and "'x1' must be a number" in error["message"]
    ok = await post_form(
        service,
        "/admin/mappings",
        csrf,
        {
            "store": "acme-mx",
            "kind": "attribute",
            "category": "42",
            "vtex_field": "Color",
            "linio_attribute": "color_family",
            "values": "Rojo = Red\nAzul = Blue",
        },
    )
    assert ok.status == 302
    row = await runtime.storage.db[ATTRIBUTE_MAP].find_one({"store_id": "acme-mx"})
    assert row is not None and row["linio_field"] == "color_family"
    assert row["values"] == [{"vtex": "Rojo", "linio": "Red"}, {"vtex": "Azul", "linio": "Blue"}]
    page = await (await service.get("/admin/mappings?store=acme-mx&kind=attribute")).text()
    assert "color_family" in page and "Rojo → Red" in page


async def test_import_and_export_use_the_plugin_csv_format(
    service: TestClient, runtime: Runtime, make_store: object
) -> None:
    await runtime.stores.upsert(make_store())  # type: ignore[operator]
    await _waiting(runtime)
    csrf = await login(service)
    form = FormData()
    form.add_field("csrf_token", csrf)
    form.add_field("store", "acme-mx")
    form.add_field("kind", "brand")
    form.add_field("file", b"id_seller_center,id_vtex\n901,5\n902,6\n", filename="brands.csv")
    response = await service.post("/admin/mappings/import", data=form, allow_redirects=False)
    assert response.status == 302, await response.text()
    assert await runtime.storage.db[BRAND_MAP].count_documents({"store_id": "acme-mx"}) == 2
    [body] = await published(runtime.broker, queue_name("catalog", "acme-mx"), 1)
    assert parse_work(body).sku_ids == ("8",)  # type: ignore[attr-defined]
    export = await service.get("/admin/mappings/brand.csv?store=acme-mx")
    assert export.status == 200
    assert await export.text() == "id_seller_center,id_vtex\n901,5\n902,6\n"

    broken = FormData()
    broken.add_field("csrf_token", csrf)
    broken.add_field("store", "acme-mx")
    broken.add_field("kind", "category")
    broken.add_field("file", b"id_seller_center,id_vtex\nabc,5\n", filename="x.csv")
    refused = await service.post("/admin/mappings/import", data=broken)
    assert refused.status == 400
    error = (await refused.json())["error"]
    assert error["code"] == "import_failed" and "categories.csv:2" in error["message"]
    assert await runtime.storage.db[CATEGORY_MAP].count_documents({}) == 0


async def test_pick_from_linio_tree_and_attributes_through_the_shared_budget(
    service: TestClient, runtime: Runtime, make_store: Any
) -> None:
    seller = SimSeller(user_id="ops@acme.mx", api_key="the-right-key-0123456789", seller_id="A1")
    async with LinioSimulator([seller]) as seller_center:
        store = make_store(
            linio_seller_id=seller.seller_id,
            linio_base_url=seller_center.url,
            credentials=StoreCredentials(linio_api_key=seller.api_key),
        )
        await runtime.stores.upsert(store)
        await login(service)
        windows = runtime.storage.db[SELLER_WINDOWS]

        async def calls() -> int:
            return sum([int(d.get("calls") or 0) async for d in windows.find({})])

        page = await (await service.get("/admin/mappings?store=acme-mx&kind=category")).text()
        assert 'id="load-linio-tree"' in page and 'class="linio-category"' not in page
        assert await calls() == 0  # the page alone never calls Seller Center
        path = "/admin/mappings?store=acme-mx&kind=category&vtex_id=42&linio=1&lang=es"
        page = await (await service.get(path)).text()
        assert "Tecnología › Televisores › Smart TV" in page
        assert 'list="linio-categories"' in page and '<option value="1003">' in page
        assert "linio_id=1003" in page and "vtex_id=42" in page  # "use" keeps the VTEX id
        assert await calls() == 1  # GetCategoryTree, on the seller's shared window
        await service.get(path)
        again = await (await service.get("/admin/mappings?store=acme-mx&kind=category")).text()
        assert "Smart TV" in again and await calls() == 1  # cached

        path = "/admin/mappings?store=acme-mx&kind=attribute&linio_category=2002&lang=en"
        page = await (await service.get(path)).text()
        assert 'class="linio-attribute"' in page and "<code>Color</code>" in page
        assert "Negro, Blanco, Café" in page and "linio_attribute=Color" in page
        assert await calls() == 2  # GetCategoryAttributes, once
        await service.get(path)
        assert await calls() == 2
        fields = await service.get("/tables/fields", headers={"Accept": "application/json"})
        by_category = {c["category_id"]: c for c in (await fields.json())["categories"]}
        assert "Color" in [a["feed_name"] for a in by_category["2002"]["mandatory"]]
        assert by_category["2002"]["name"] == "Hogar › Muebles"

    store_down = "/admin/mappings?store=acme-mx&kind=attribute&linio_category=1001&lang=en"
    page = await (await service.get(store_down)).text()  # the simulator is gone
    assert "Seller Center did not return the categories or attributes" in page
