"""Mappings: the Mapper's tree and push (pure), the repository over the mapping
collections, who waits and their release, and the reference-data cache (real SecantusDB,
real broker)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from app.broker import Message, queue_name
from app.runtime import Runtime
from app.storage import REFERENCE_CACHE
from clients.linio.models import Attribute, AttributeOption, Brand, Category
from domain.importer import import_directory
from domain.mappings import (
    ReferenceCache,
    attributes_key,
    brand_key,
    category_key,
    mapper_tree,
    parse_mapper_mapping,
)
from domain.work import parse_work
from tests.conftest import acme_store

TREE = [
    Category(
        "1000",
        "Tecnología",
        None,
        None,
        (Category("1001", "Celulares", None, "7"), Category("1003", "Televisores", None, "7")),
    ),
    Category("3001", "Relojes", None, None),
]


def test_mapper_tree_follows_the_openapi_shape() -> None:
    tree = mapper_tree(TREE)
    assert set(tree) == {"id", "name", "categories"}
    [tech, watches] = tree["categories"]
    assert tech["id"] == "1000" and [c["id"] for c in tech["children"]] == ["1001", "1003"]
    assert watches == {"id": "3001", "name": "Relojes", "children": [], "specifications": []}
    assert all("specifications" in c for c in tech["children"])


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"categories": [{"vtexCategoryId": "51", "marketplaceCategoryId": "3001"}]},
            {"51": "3001"},
        ),
        ([{"categoryId": 12, "mappedCategoryId": 1001}], {"12": "1001"}),
        ({"mappings": [{"vtexId": "13", "marketplaceId": "1003"}, "noise"]}, {"13": "1003"}),
    ],
)
def test_mapper_push_is_read_in_its_known_spellings(
    payload: object, expected: dict[str, str]
) -> None:
    assert parse_mapper_mapping(payload) == expected


@pytest.mark.parametrize("payload", [{}, {"categories": []}, "x", {"categories": [{"a": 1}]}])
def test_a_mapper_push_without_pairs_is_refused(payload: object) -> None:
    with pytest.raises(ValueError):
        parse_mapper_mapping(payload)


async def _collect(runtime: Runtime, store_id: str) -> list[str]:
    """SKU ids published to the store's catalog queue until it is quiet for a moment."""
    seen: list[str] = []

    async def handler(message: Message) -> None:
        seen.extend(parse_work(message.body).sku_ids)  # type: ignore[attr-defined]

    queue = queue_name("catalog", store_id)
    await runtime.broker.consume(queue, handler)
    await asyncio.sleep(0.5)
    await runtime.broker.stop_consuming(queue)
    return sorted(seen)


async def test_saving_a_mapping_releases_exactly_the_skus_waiting_on_it(runtime: Runtime) -> None:
    store = acme_store()
    await runtime.stores.upsert(store)
    m = runtime.mappings
    await m.wait(store.store_id, "1", [category_key("51")])
    await m.wait(store.store_id, "2", [category_key("51"), brand_key("9")])
    await m.wait(store.store_id, "3", [brand_key("9")])
    await m.wait(store.store_id, "4", [attributes_key("3001")])

    assert await m.save("category", [store.store_id], {"51": "3001"}, source="mapper") == 2
    assert await _collect(runtime, store.store_id) == ["1", "2"]
    assert await m.category(store.store_id, "51") == "3001"

    released = await m.save_attribute(
        store.store_id, vtex_field="Color", linio_field="Color", values={"Gris": "Negro"}
    )
    assert released == 1 and await _collect(runtime, store.store_id) == ["4"]
    mapping = await m.attributes(store.store_id, "3001")
    assert mapping["Color"].specification == "Color" and mapping["Color"].values == {
        "Gris": "Negro"
    }
    # "3" still waits on its brand: nothing released it
    state = await runtime.sku_states.get(store.store_id, "3")
    assert state is not None and state["waiting_on"] == [brand_key("9")]


async def test_a_csv_import_releases_the_skus_waiting_on_its_categories(
    tmp_path: Path, runtime: Runtime
) -> None:
    store = acme_store()
    await runtime.stores.upsert(store)
    await runtime.mappings.wait(store.store_id, "77", [category_key("59")])
    directory = tmp_path / "csv"
    directory.mkdir()
    (directory / "categories.csv").write_text("id_seller_center,id_vtex\n1001,59\n")
    await import_directory(
        directory,
        runtime.storage.db,
        runtime.stores,
        store_id=store.store_id,
        mappings=runtime.mappings,
    )
    assert await _collect(runtime, store.store_id) == ["77"]


async def test_reference_cache_fetches_once_within_its_ttl_and_again_after(
    runtime: Runtime,
) -> None:
    calls: list[str] = []
    attribute = Attribute(
        "Color", "color", "Color", None, None, True, False, None, None, "dropdown", None, None,
        None, (AttributeOption("Negro", None, True),),
    )  # fmt: skip

    async def fetch(category: str) -> list[Attribute]:
        calls.append(category)
        return [attribute]

    cache = ReferenceCache(runtime.storage.db, ttl_seconds=3600)
    first = await cache.category_attributes("acme-mx", "1001", fetch)
    second = await cache.category_attributes("acme-mx", "1001", fetch)
    assert first == second == (attribute,) and calls == ["1001"]
    await runtime.storage.db[REFERENCE_CACHE].update_many(
        {}, {"$set": {"fetched_at": dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)}}
    )
    await cache.category_attributes("acme-mx", "1001", fetch)
    assert calls == ["1001", "1001"]

    async def brands() -> list[Brand]:
        return [Brand("4", "Genérica", None)]

    assert await cache.brands("acme-mx", brands) == {"4": "Genérica"}
    indexes = await runtime.storage.db[REFERENCE_CACHE].index_information()
    assert any("expireAfterSeconds" in i for i in indexes.values())
