"""The VTEX Mapper (`mkp-category-mapper`) as a connector meets it (spec §2.10, the
"External Marketplace Mapper" OpenAPI of `vtex/openapi-schemas`).

- `POST /api/mkp-category-mapper/connector/register?an=` with `displayName`,
  `categoryTreeEndPoint`, `mappingEndPoint`, `properties.allowsRemap` (all required) and the
  optional `CategoryTreeProcessingNotificationEndpoint`: answers 200 with the registration's
  `id` and the seller's mapping page (`endpoint`), as the guide says ("a unique ID and an
  endpoint"); a registration without its required fields is refused with 400.
- `POST /api/mkp-category-mapper/categories/marketplace/{id}`: the marketplace tree, a JSON
  body sent gzip-compressed (`Content-Encoding: gzip`); `id`, `name` and `categories` (each
  with `id`, `name`, `children`) are required. Answers 204; an unknown id 404; a body that
  is not gzip 415.
- The seller's side, for tests and the sandbox: `MapperState.map_category` records a mapping
  and POSTs it to the registration's `mappingEndPoint` as the Mapper would push it. That
  push is not documented by VTEX; its shape here is the one our route reads
  (`handlers/vtex_mapper.py`): `{"mapperId", "categories": [{"vtexCategoryId",
  "marketplaceCategoryId"}]}`.
"""

from __future__ import annotations

import gzip
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from simulators.vtex.http_helpers import sim_of, vtex_error

REGISTRATION_FIELDS = ("displayName", "categoryTreeEndPoint", "mappingEndPoint", "properties")


@dataclass
class Registration:
    id: str
    account: str
    display_name: str
    category_tree_endpoint: str
    mapping_endpoint: str
    allows_remap: bool
    notification_endpoint: str | None = None
    tree: dict[str, Any] | None = None
    trees_received: int = 0
    mappings: dict[str, str] = field(default_factory=dict)


class MapperState:
    """Registrations and trees the simulated Mapper holds."""

    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}

    def only(self) -> Registration:
        """The one registration (tests and the sandbox register a single connector)."""
        [registration] = self.registrations.values()
        return registration

    def leaf_ids(self, registration_id: str | None = None) -> set[str]:
        """Ids of every category of the last tree received (any level)."""
        reg = self.registrations[registration_id] if registration_id else self.only()
        found: set[str] = set()

        def walk(nodes: list[dict[str, Any]]) -> None:
            for node in nodes or []:
                found.add(str(node["id"]))
                walk(node.get("children") or [])

        walk((reg.tree or {}).get("categories") or [])
        return found

    async def map_category(
        self,
        vtex_category_id: str | int,
        marketplace_category_id: str,
        *,
        registration_id: str | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> int:
        """The seller maps a VTEX category in the Mapper: push it to `mappingEndPoint`.
        Returns the HTTP status the connector answered."""
        reg = self.registrations[registration_id] if registration_id else self.only()
        if reg.tree is not None and marketplace_category_id not in self.leaf_ids(reg.id):
            raise ValueError(f"{marketplace_category_id} is not in the marketplace tree")
        reg.mappings[str(vtex_category_id)] = marketplace_category_id
        payload = {
            "mapperId": reg.id,
            "categories": [
                {
                    "vtexCategoryId": str(vtex_category_id),
                    "marketplaceCategoryId": marketplace_category_id,
                }
            ],
        }
        own = session is None
        http = session or aiohttp.ClientSession()
        try:
            async with http.post(reg.mapping_endpoint, json=payload) as response:
                await response.read()
                return response.status
        finally:
            if own:
                await http.close()


async def register(request: web.Request) -> web.Response:
    sim = sim_of(request)
    try:
        body = await request.json()
    except ValueError:
        return vtex_error(400, "400", "Body must be JSON")
    if not isinstance(body, dict):
        return vtex_error(400, "400", "Body must be a JSON object")
    missing = [f for f in REGISTRATION_FIELDS if not body.get(f) and body.get(f) is not False]
    props = body.get("properties")
    if not isinstance(props, dict) or not isinstance(props.get("allowsRemap"), bool):
        missing.append("properties.allowsRemap")
    for url_field in ("categoryTreeEndPoint", "mappingEndPoint"):
        value = body.get(url_field)
        if value and not str(value).startswith(("http://", "https://")):
            missing.append(url_field)
    if missing:
        return vtex_error(400, "400", f"Invalid registration: {', '.join(sorted(set(missing)))}")
    reg = Registration(
        id=uuid.uuid4().hex,
        account=request.query.get("an", sim.account),
        display_name=str(body["displayName"]),
        category_tree_endpoint=str(body["categoryTreeEndPoint"]),
        mapping_endpoint=str(body["mappingEndPoint"]),
        allows_remap=bool(props["allowsRemap"]),  # type: ignore[index]
        notification_endpoint=body.get("CategoryTreeProcessingNotificationEndpoint"),
    )
    sim.mapper.registrations[reg.id] = reg
    return web.json_response(
        {"id": reg.id, "endpoint": f"/admin/mkp-category-mapper/{reg.id}"}, status=200
    )


async def receive_tree(request: web.Request) -> web.Response:
    sim = sim_of(request)
    reg = sim.mapper.registrations.get(request.match_info["id"])
    if reg is None:
        return vtex_error(404, "404", "Mapper registration not found")
    if request.headers.get("Content-Encoding", "").lower() != "gzip":
        return vtex_error(415, "415", "The category tree must be JSON compressed with gzip")
    raw = await request.read()  # aiohttp inflates a gzip-encoded body already
    try:
        tree = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except (OSError, EOFError, ValueError):
        return vtex_error(400, "400", "The category tree is not valid gzip-compressed JSON")
    problems = _tree_problems(tree)
    if problems:
        return vtex_error(400, "400", "; ".join(problems[:10]))
    reg.tree = tree
    reg.trees_received += 1
    return web.Response(status=204)


def _tree_problems(tree: Any) -> list[str]:
    if not isinstance(tree, dict):
        return ["the tree must be a JSON object"]
    problems = [f"{k} is required" for k in ("id", "name", "categories") if k not in tree]

    def walk(nodes: Any, path: str) -> None:
        if not isinstance(nodes, list):
            problems.append(f"{path} must be an array")
            return
        for i, node in enumerate(nodes):
            where = f"{path}[{i}]"
            if not isinstance(node, dict) or not node.get("id") or not node.get("name"):
                problems.append(f"{where} needs id and name")
                continue
            walk(node.get("children") or [], f"{where}.children")

    walk(tree.get("categories", []), "categories")
    return problems


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/mkp-category-mapper/connector/register", register)
    app.router.add_post("/api/mkp-category-mapper/categories/marketplace/{id}", receive_tree)
