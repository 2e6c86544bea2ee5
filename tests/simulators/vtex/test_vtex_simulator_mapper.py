"""The simulated VTEX Mapper and our client's calls to it (OpenAPI "External Marketplace
Mapper"): registration with its required fields, the tree gzip-compressed, the seller's
mapping pushed to our endpoint; plus the catalog reads the consumer added (SKUs of a
product, required specifications of a category)."""

from __future__ import annotations

import json

import aiohttp
import pytest
from aiohttp import web

from clients.errors import PermanentError
from simulators.vtex import VtexSimulator
from simulators.vtex.connect import simulator_client

TREE = {
    "id": "linio",
    "name": "Linio",
    "categories": [{"id": "3001", "name": "Relojes", "children": [], "specifications": []}],
}


async def test_register_send_tree_and_push_a_mapping(
    vtex_sim: VtexSimulator,
    vtex_http: aiohttp.ClientSession,
    callback_server,  # type: ignore[no-untyped-def]
) -> None:
    received: list[dict[str, object]] = []

    async def mapping(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"ok": True})

    mapping_url = await callback_server("/vtex/tok/mapper/mapping", mapping)
    client = simulator_client(vtex_sim, vtex_http)
    answer = await client.mapper_register(
        display_name="Linio MX",
        category_tree_endpoint=mapping_url.replace("mapping", "categories"),
        mapping_endpoint=mapping_url,
    )
    assert answer["id"] and answer["endpoint"].endswith(answer["id"])
    await client.mapper_send_tree(answer["id"], TREE)
    [sent] = vtex_sim.requests_to("/api/mkp-category-mapper/categories/marketplace/")
    assert vtex_sim.mapper.only().tree == TREE and vtex_sim.mapper.leaf_ids() == {"3001"}
    assert sent is not None
    assert await vtex_sim.mapper.map_category(51, "3001", session=vtex_http) == 200
    assert received == [
        {
            "mapperId": answer["id"],
            "categories": [{"vtexCategoryId": "51", "marketplaceCategoryId": "3001"}],
        }
    ]
    with pytest.raises(ValueError):  # a category the tree does not have
        await vtex_sim.mapper.map_category(52, "9999", session=vtex_http)


async def test_registration_without_its_required_fields_and_a_plain_tree_are_refused(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    with pytest.raises(PermanentError):
        await client.mapper_register(
            display_name="Linio", category_tree_endpoint="not-a-url", mapping_endpoint=""
        )
    answer = await client.mapper_register(
        display_name="Linio",
        category_tree_endpoint="https://c.example/vtex/t/mapper/categories",
        mapping_endpoint="https://c.example/vtex/t/mapper/mapping",
    )
    url = f"{vtex_sim.url}/api/mkp-category-mapper/categories/marketplace/{answer['id']}"
    async with vtex_http.post(
        url, data=json.dumps(TREE), headers=vtex_sim.auth_headers()
    ) as response:
        assert response.status == 415  # not gzip-compressed
    assert vtex_sim.mapper.only().tree is None


async def test_skus_of_a_product_and_required_specifications(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    catalog = vtex_sim.catalog
    sku = catalog.skus[catalog.healthy_sku_ids()[0]]
    siblings = await client.product_skus(str(sku.product_id))
    expected = {
        str(s.id): s.ref_id for s in catalog.skus.values() if s.product_id == sku.product_id
    }
    assert siblings == expected
    category = catalog.product_of(sku).category_id
    required = await client.required_specifications(str(category))
    assert required == catalog.required_specifications[category] and required
