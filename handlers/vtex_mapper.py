"""The VTEX Mapper's routes on our side (spec §2.10; OpenAPI "External Marketplace Mapper").

- `GET /vtex/{token}/mapper/categories` (the registration's `categoryTreeEndPoint`): Linio's
  category tree in the Mapper's format, as last read from GetCategoryTree and sent.
- `POST /vtex/{token}/mapper/mapping` (the registration's `mappingEndPoint`): the seller's
  category mapping pushed by the Mapper; saved (source `mapper`), which releases the SKUs
  waiting on those categories (E4) with no new notification. Answers 200 with how many
  categories were saved and SKUs released.
- `register_store(...)`: register the store's connector in the Mapper and send the tree,
  gzip-compressed, when it changed since the last one sent (used at sandbox start and by
  `POST /api/stores/{store}/mapper`).

The token in the path is the store's secret (CLARIFICATIONS §1), resolved by
`handlers.store_auth`: unknown store and wrong token answer the same.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiohttp import web

from app.client_pool import ClientPool
from app.http_errors import ApiError
from app.web_keys import CLIENTS, MAPPINGS, SETTINGS, STORAGE, STORES
from domain.mappings import MapperRegistrations, mapper_tree, parse_mapper_mapping
from domain.stores import Store
from handlers.common import read_json
from handlers.store_auth import store_for_token


async def mapper_categories(request: web.Request) -> web.Response:
    """The tree last sent to the Mapper (kept with the registration): a thin route never
    waits on Seller Center; no registration yet answers 404."""
    store = await store_for_token(request)
    record = await MapperRegistrations(request.app[STORAGE].db).get(store.store_id)
    if not record or not record.get("tree"):
        raise ApiError("not_found")
    return web.json_response(record["tree"])


async def mapper_mapping(request: web.Request) -> web.Response:
    store = await store_for_token(request)
    payload = await read_json(request)
    try:
        mapping = parse_mapper_mapping(payload)
    except ValueError as exc:
        raise ApiError("invalid_mapper_mapping", field="categories", detail=str(exc)) from None
    released = await request.app[MAPPINGS].save(
        "category", [store.store_id], mapping, source="mapper"
    )
    return web.json_response(
        {"store": store.store_id, "categories": len(mapping), "released": released}
    )


async def register_store(
    store: Store,
    clients: ClientPool,
    registrations: MapperRegistrations,
    *,
    base_url: str,
) -> dict[str, Any]:
    """Register in the Mapper (once) and send Linio's tree when it changed. Returns the
    registration record: `mapper_id`, `endpoint` (the seller's mapping page), `tree_hash`,
    `tree_sent` (True when sent now)."""
    vtex, linio = clients.vtex(store), clients.linio(store)
    record = await registrations.get(store.store_id) or {}
    prefix = f"{base_url.rstrip('/')}/vtex/{store.notification_token}/mapper"
    if not record.get("mapper_id"):
        answer = await vtex.mapper_register(
            display_name=f"Linio {store.country}",
            category_tree_endpoint=f"{prefix}/categories",
            mapping_endpoint=f"{prefix}/mapping",
        )
        record = {
            "mapper_id": str(answer.get("id") or ""),
            "endpoint": str(answer.get("endpoint") or ""),
        }
        await registrations.save(store.store_id, **record)
    tree = mapper_tree(await linio.get_category_tree())
    digest = hashlib.sha256(json.dumps(tree, sort_keys=True).encode()).hexdigest()
    sent = digest != record.get("tree_hash")
    if sent:
        await vtex.mapper_send_tree(record["mapper_id"], tree)
    await registrations.save(store.store_id, tree_hash=digest, tree=tree)
    return {
        "mapper_id": record["mapper_id"],
        "endpoint": record.get("endpoint", ""),
        "tree_hash": digest,
        "tree_sent": sent,
    }


async def mapper_register(request: web.Request) -> web.Response:
    """`POST /api/stores/{store}/mapper` (dashboard credentials)."""
    store = await request.app[STORES].get(request.match_info["store"])
    if store is None:
        raise ApiError("not_found")
    record = await register_store(
        store,
        request.app[CLIENTS],
        MapperRegistrations(request.app[STORAGE].db),
        base_url=request.app[SETTINGS].public_base_url,
    )
    return web.json_response({"store": store.store_id, **record})
