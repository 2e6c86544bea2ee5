"""The VTEX simulator's auth, catalog routes, simulation and catalog notifications, over HTTP."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import pytest

from simulators.vtex import NAME_MAX_LENGTH, SkuFault, VtexSimulator
from simulators.vtex.receiver import CallbackReceiver

CATALOG = "/api/catalog_system/pvt"
SIMULATION = "/api/fulfillment/pvt/orderForms/simulation"


@pytest.fixture
async def sim() -> AsyncIterator[VtexSimulator]:
    async with VtexSimulator("acme", seed=7) as simulator:
        simulator.catalog.generate(n_skus=300, faulty_share=0.2)
        yield simulator


@pytest.fixture
async def http(sim: VtexSimulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=sim.url, headers=sim.auth_headers()) as session:
        yield session


async def test_generate_5000_has_each_fault_in_equal_share_and_is_fast() -> None:
    sim = VtexSimulator(seed=3)
    started = time.perf_counter()
    sim.catalog.generate(n_skus=5000, faulty_share=0.1)
    assert time.perf_counter() - started < 5  # generous: a sanity bound, not a benchmark
    catalog = sim.catalog
    assert len(catalog.skus) == 5000
    assert len(catalog.faults) == 500
    shares = Counter(f for faults in catalog.faults.values() for f in faults)
    assert set(shares) == set(SkuFault)
    assert max(shares.values()) - min(shares.values()) <= 1
    assert len(catalog.healthy_sku_ids()) == 4500
    assert len(catalog.products) < 5000  # healthy products have variations


async def test_every_fault_is_visible_in_the_data() -> None:
    catalog = VtexSimulator(seed=5).catalog.generate(n_skus=600, faulty_share=0.3)
    sc = catalog.trade_policy
    for sku_id, faults in catalog.faults.items():
        sku = catalog.skus[sku_id]
        product = catalog.products[sku.product_id]
        (fault,) = faults
        if fault is SkuFault.INACTIVE:
            assert not (sku.is_active and product.is_active)
        elif fault is SkuFault.OUTSIDE_TRADE_POLICY:
            assert sc not in product.sales_channels
        elif fault is SkuFault.NO_PRICE:
            assert sc not in sku.prices
        elif fault is SkuFault.UNMAPPED_CATEGORY:
            assert product.category_id in catalog.unmapped_category_ids
        elif fault is SkuFault.MISSING_SPECIFICATION:
            required = set(catalog.required_specifications[product.category_id])
            assert required - {s.name for s in product.specifications}
        elif fault is SkuFault.NAME_TOO_LONG:
            assert len(product.name) > NAME_MAX_LENGTH
    for sku_id in catalog.healthy_sku_ids():
        sku = catalog.skus[sku_id]
        product = catalog.products[sku.product_id]
        assert sku.is_active and product.is_active and sc in product.sales_channels
        assert sku.prices[sc].price > 0 and sku.stock[sc] > 0
        assert len(product.name) <= NAME_MAX_LENGTH
        assert product.category_id not in catalog.unmapped_category_ids
        required = set(catalog.required_specifications[product.category_id])
        assert required <= {s.name for s in product.specifications}


async def test_generation_is_deterministic_per_seed() -> None:
    first = VtexSimulator(seed=11).catalog.generate(200)
    second = VtexSimulator(seed=11).catalog.generate(200)
    other = VtexSimulator(seed=12).catalog.generate(200)
    assert first.faults == second.faults
    assert [s.name for s in first.skus.values()] == [s.name for s in second.skus.values()]
    assert [s.name for s in first.skus.values()] != [s.name for s in other.skus.values()]


async def test_auth_missing_is_401_wrong_is_403_cookie_works(sim: VtexSimulator) -> None:
    url = f"{sim.url}{CATALOG}/sku/stockkeepingunitidsbysaleschannel?sc=2"
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            assert response.status == 401
        bad = {"X-VTEX-API-AppKey": sim.app_key, "X-VTEX-API-AppToken": "wrong"}
        async with session.get(url, headers=bad) as response:
            assert response.status == 403
        async with session.get(url, headers={"VtexIdclientAutCookie": "forged"}) as response:
            assert response.status == 403
        async with session.get(url, headers={"VtexIdclientAutCookie": sim.app_cookie}) as r:
            assert r.status == 200
        async with session.get(url, cookies={"VtexIdclientAutCookie": sim.app_cookie}) as r:
            assert r.status == 200
        async with session.get(url, headers=sim.auth_headers()) as response:
            assert response.status == 200
    assert "SIMULATEDTOKEN" not in repr(sim)


async def test_sku_ids_are_paged_and_can_be_limited_to_the_policy(
    sim: VtexSimulator, http: aiohttp.ClientSession
) -> None:
    seen: list[int] = []
    page = 1
    while True:
        async with http.get(
            f"{CATALOG}/sku/stockkeepingunitidsbysaleschannel",
            params={"sc": "2", "page": str(page), "pageSize": "70"},
        ) as response:
            ids = await response.json()
        assert all(isinstance(i, int) for i in ids)
        if not ids:
            break
        assert len(ids) <= 70
        seen += ids
        page += 1
    assert seen == list(sim.catalog.skus)
    async with http.get(
        f"{CATALOG}/sku/stockkeepingunitidsbysaleschannel",
        params={"sc": "2", "page": "1", "pageSize": "1000", "onlyAssigned": "true"},
    ) as response:
        assigned = set(await response.json())
    outside = set(sim.catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY))
    assert outside and not outside & assigned
    assert assigned | outside == set(sim.catalog.skus)


async def test_sku_and_context_shape(sim: VtexSimulator, http: aiohttp.ClientSession) -> None:
    sku_id = sim.catalog.healthy_sku_ids()[0]
    sku = sim.catalog.skus[sku_id]
    product = sim.catalog.products[sku.product_id]
    async with http.get(f"{CATALOG}/sku/stockkeepingunitbyid/{sku_id}", params={"sc": "2"}) as r:
        assert r.status == 200
        body = await r.json()
    for key in (
        "Id ProductId NameComplete ProductName ProductDescription SkuName IsActive "
        "IsProductActive ImageUrl Images BrandId BrandName IsBrandActive Dimension RealDimension "
        "ProductCategoryIds ProductCategories CategoriesFullPath SalesChannels SkuSpecifications "
        "ProductSpecifications AlternateIds"
    ).split():
        assert key in body, key
    assert body["Id"] == sku_id and body["ProductId"] == product.id
    assert body["SalesChannels"] == [1, 2]
    assert body["ProductCategoryIds"] == f"/{product.department_id}/{product.category_id}/"
    assert str(product.category_id) in body["ProductCategories"]
    assert body["Images"][0]["ImageUrl"] == body["ImageUrl"]
    assert body["AlternateIds"]["Ean"] == sku.ean and len(sku.ean) == 13
    assert {"height", "width", "length", "weight"} <= set(body["Dimension"])
    assert [s["FieldName"] for s in body["ProductSpecifications"]]
    async with http.get(f"{CATALOG}/sku/stockkeepingunitbyid/999") as r:
        assert r.status == 404


async def test_sku_product_and_productget_routes(
    sim: VtexSimulator, http: aiohttp.ClientSession
) -> None:
    sku_id = sim.catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY)[0]
    sku = sim.catalog.skus[sku_id]
    async with http.get(f"/api/catalog/pvt/stockkeepingunit/{sku_id}") as r:
        basic = await r.json()
    assert basic["Id"] == sku_id and basic["RefId"] == sku.ref_id and "IsActive" in basic
    async with http.get(f"/api/catalog/pvt/product/{sku.product_id}") as r:
        product = await r.json()
    assert {"Name", "CategoryId", "BrandId", "DepartmentId", "IsActive"} <= set(product)
    async with http.get(f"{CATALOG}/products/productget/{sku.product_id}") as r:
        productget = await r.json()
    assert productget["ListStoreId"] == [1]
    async with http.get("/api/catalog/pvt/product/1") as r:
        assert r.status == 404
    async with http.get("/api/catalog_system/pub/category/tree/2") as r:
        tree = await r.json()
    assert {c["name"] for c in tree} >= {"Tecnología", "Moda"}
    assert any(child["name"] == "Celulares" for c in tree for child in c["children"])
    async with http.get(f"{CATALOG}/brand/list") as r:
        assert {"Samsung", "Nike"} <= {b["name"] for b in await r.json()}


async def test_simulation_omits_unsellable_skus_and_zeroes_out_of_stock_ones(
    sim: VtexSimulator, http: aiohttp.ClientSession
) -> None:
    catalog = sim.catalog
    healthy = catalog.healthy_sku_ids()[:5]
    unavailable = [
        catalog.skus_with(SkuFault.INACTIVE)[0],
        catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY)[0],
        catalog.skus_with(SkuFault.NO_PRICE)[0],
    ]
    no_stock = catalog.healthy_sku_ids()[5]
    catalog.skus[no_stock].stock["2"] = 0
    wanted = [*unavailable, *healthy, no_stock, 123]
    items = [{"id": str(i), "quantity": 1, "seller": "1"} for i in wanted]
    body = {"items": items, "postalCode": "7500000", "country": "CHL"}
    async with http.post(SIMULATION, params={"sc": "2", "affiliateId": "LNO"}, json=body) as r:
        answer = await r.json()
    # priced but out of stock: returned with quantity 0, stock 0 and no SLA (HC-catalog)
    assert [int(i["id"]) for i in answer["items"]] == [*healthy, no_stock]
    assert [i["requestIndex"] for i in answer["items"]] == [3, 4, 5, 6, 7, 8]
    assert answer["items"][5]["quantity"] == 0 and "availability" not in answer["items"][5]
    first = catalog.skus[healthy[0]]
    assert answer["items"][0]["price"] == first.prices["2"].price
    assert answer["items"][0]["listPrice"] == first.prices["2"].list_price
    logistics = answer["logisticsInfo"]
    assert [li["itemIndex"] for li in logistics] == [0, 1, 2, 3, 4, 5]
    assert logistics[0]["stockBalance"] == first.stock["2"] and logistics[0]["slas"]
    assert (logistics[5]["stockBalance"], logistics[5]["quantity"], logistics[5]["slas"]) == (
        0,
        0,
        [],
    )
    assert len(answer["messages"]) == 4  # inactive, outside the policy, unpriced, unknown


async def test_simulation_slas_depend_on_postal_code(
    sim: VtexSimulator, http: aiohttp.ClientSession
) -> None:
    sku_id = sim.catalog.healthy_sku_ids()[0]
    items = [{"id": str(sku_id), "quantity": 1, "seller": "1"}]
    served = {"items": items, "postalCode": "7500000", "country": "CHL"}
    async with http.post(SIMULATION, params={"sc": "2"}, json=served) as r:
        slas = (await r.json())["logisticsInfo"][0]["slas"]
    assert [s["id"] for s in slas] == ["Normal", "Express"]
    assert all(isinstance(s["price"], int) and s["shippingEstimate"].endswith("bd") for s in slas)
    unserved = {"items": items, "postalCode": "9999999", "country": "CHL"}
    async with http.post(SIMULATION, params={"sc": "2"}, json=unserved) as r:
        answer = await r.json()
    assert answer["items"] and answer["logisticsInfo"][0]["slas"] == []


@pytest.mark.parametrize("style", ["broadcaster", "guide"])
async def test_change_sku_notifies_the_affiliate(style: str) -> None:
    async with CallbackReceiver() as connector, VtexSimulator(notification_style=style) as sim:
        sim.catalog.generate(n_skus=20, faulty_share=0)
        sim.register_affiliate(
            "LNO",
            sales_channel="2",
            search_uri_endpoint=f"{connector.url}/catalog/notification?token=t",
        )
        sim.register_affiliate("OTH", sales_channel="7")  # no endpoint: never notified
        sku_id = sim.catalog.healthy_sku_ids()[0]
        [delivery] = await sim.change_sku(sku_id, price=12990, stock=4)
        assert delivery.ok and delivery.kind == "catalog"
        [got] = connector.received
        assert got.path == "/catalog/notification" and got.query == {"token": "t"}
        body = {k.lower(): v for k, v in got.body.items()}
        assert body["idsku"] == str(sku_id) and body["an"] == "acme"
        assert body["idaffiliate"] == "LNO" and body["isactive"] is True
        assert body["pricemodified"] and body["stockmodified"]
        assert not body["hasstockkeepingunitmodified"]
        assert not body["hasstockkeepingunitremovedfromaffiliate"]
        assert set(body) == {
            "idsku", "productid", "an", "idaffiliate", "datemodified", "isactive",
            "stockmodified", "pricemodified", "hasstockkeepingunitmodified",
            "hasstockkeepingunitremovedfromaffiliate",
        }  # fmt: skip
        key = "IdSku" if style == "broadcaster" else "idSKU"
        assert key in got.body
        assert sim.catalog.skus[sku_id].prices["2"].price == 12990


async def test_change_sku_flags_deactivation_and_removal() -> None:
    async with CallbackReceiver() as connector, VtexSimulator() as sim:
        sim.catalog.generate(n_skus=10, faulty_share=0)
        sim.register_affiliate("LNO", search_uri_endpoint=f"{connector.url}/catalog/notification")
        skus = sim.catalog.skus
        first = sim.catalog.healthy_sku_ids()[0]
        second = next(i for i in skus if skus[i].product_id != skus[first].product_id)
        await sim.change_sku(first, active=False)
        await sim.change_sku(second, sales_channels=["1"])
        await sim.change_sku(second, price=5000)  # outside the policy now: nobody told
        await sim.change_sku(first, name="Nuevo nombre")
        bodies = [r.body for r in connector.received]
        siblings = [i for i in skus if skus[i].product_id == skus[second].product_id]
        assert len(bodies) == 1 + len(siblings) + 1  # a product edit notifies all its SKUs
        assert bodies[0]["IsActive"] is False and bodies[0]["HasStockKeepingUnitModified"]
        removed = bodies[1 : 1 + len(siblings)]
        assert {b["IdSku"] for b in removed} == {str(i) for i in siblings}
        assert all(b["HasStockKeepingUnitRemovedFromAffiliate"] is True for b in removed)
        assert bodies[-1]["HasStockKeepingUnitModified"] and not bodies[-1]["PriceModified"]


async def test_affiliate_get_put_validate(sim: VtexSimulator, http: aiohttp.ClientSession) -> None:
    path = "/api/fulfillment/pvt/affiliates"
    async with http.get(f"{path}/LNO") as r:
        assert r.status == 404
    body = {
        "id": "LNO",
        "name": "Linio-LNO",
        "followUpEmail": "ops@acme.com",
        "salesChannel": "2",
        "searchURIEndpoint": "https://connector.example.com/catalog/notification?token=x",
        "SearchURIEndpointVersion": "1.x.x",
        "SearchURIEndpointAvailableVersions": ["1.x.x"],
    }
    async with http.put(f"{path}/LNO", json=body) as r:
        assert r.status == 204  # Marketplace APIs: 204, no body
    async with http.get(f"{path}/LNO") as r:
        saved = await r.json()
    assert saved["salesChannel"] == "2" and saved["searchURIEndpoint"] == body["searchURIEndpoint"]
    assert sim.affiliates["LNO"].search_uri_endpoint == body["searchURIEndpoint"]
    async with http.put(f"{path}/LINIO", json=body) as r:
        assert r.status == 400 and (await r.json())["error"]["code"] == "FMT0031"
    async with http.put(f"{path}/LNO", json={**body, "SearchURIEndpointVersion": "2"}) as r:
        assert (await r.json())["error"]["code"] == "FMT0029"
    async with http.get(path) as r:
        assert [a["id"] for a in await r.json()] == ["LNO"]
