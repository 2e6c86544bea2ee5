"""Schemathesis against our own `/openapi.json`, on the running service with a real store.

Every operation gets a bounded number of generated requests (half of them with the store's
real token and a real order id in the path, so they pass authentication and reach the
parsers). The service must never answer 5xx, every error must be in the JSON error shape,
and a 4xx must write nothing: the durable collections are fingerprinted around each request.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import schemathesis
from bson import json_util
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient

from app.storage import ORDERS
from tests.reliability.service import (
    TOKEN,
    Service,
    data_dir_db,
    http,
    journaled,
    running,
    seed_store,
)

EXAMPLES_PER_OPERATION = 20
ORDER_ID, MARKETPLACE_ORDER_ID, INVOICE = "LMX-7001-01", "7001", "NF-1"
DURABLE = ("stores", "orders", "dead_letters", "category_map", "brand_map")


async def _seed(data: Path) -> None:
    await seed_store(data)
    async with data_dir_db(data) as db:
        await db[ORDERS].insert_one(
            {
                "store_id": "acme-mx",
                "linio_order_id": MARKETPLACE_ORDER_ID,
                "vtex_order_id": ORDER_ID,
                "invoices": [{"invoice_number": INVOICE}],
            }
        )


def _db_port(service: Service) -> int:
    [pid] = service.db_pids()
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return int(args[args.index(b"--port") + 1])


def _fingerprint(client: MongoClient, data: Path) -> str:
    """The durable collections and the broker's journal (SQLite, in DATA_DIR)."""
    db = client["vtex_linio"]
    digest = hashlib.sha256()
    for name in DURABLE:
        for doc in db[name].find({}).sort("_id", 1):
            digest.update(json_util.dumps(doc, sort_keys=True).encode())
    for entry in asyncio.run(journaled(data)):
        digest.update(json_util.dumps(entry, sort_keys=True).encode())
    return digest.hexdigest()


def test_no_generated_request_answers_5xx_or_writes_on_4xx(tmp_path: Path) -> None:
    data = tmp_path / "data"
    asyncio.run(_seed(data))
    service = Service(data, role="web")  # no consumers: every write is a request's
    with running(service):
        status, spec = http("GET", f"{service.url}/openapi.json")
        assert status == 200
        schema = schemathesis.openapi.from_dict(spec)
        client: MongoClient = MongoClient(
            f"mongodb://127.0.0.1:{_db_port(service)}/?directConnection=true"
        )
        failures: list[str] = []
        seen = {"requests": 0, "2xx": 0, "4xx": 0}
        try:
            for result in schema.get_all_operations():
                operation = result.ok()
                _fuzz(operation, service.url, client, data, failures, seen)
        finally:
            client.close()
    assert not failures, "\n".join(failures[:20])
    print("schemathesis:", seen)
    assert seen["requests"] >= 100 and seen["2xx"] > 0 and seen["4xx"] > 0, seen


def _fuzz(
    operation: Any,
    base_url: str,
    db: MongoClient,
    data: Path,
    failures: list[str],
    seen: dict[str, int],
) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.booleans())
    def run(case: Any, real: bool) -> None:
        params = case.path_parameters or {}
        if real:
            for name, value in (
                ("token", TOKEN),
                ("orderId", ORDER_ID),
                ("invoiceNumber", INVOICE),
                ("account", "acme"),
                ("vendor", "vtexlinio"),
                ("app", "vtex-linio"),
            ):
                if name in params:
                    params[name] = value
            if case.query and "token" in case.query:
                case.query["token"] = TOKEN
        before = _fingerprint(db, data)
        response = case.call(base_url=base_url, timeout=30)
        seen["requests"] += 1
        where = f"{case.method} {case.formatted_path} -> {response.status_code}"
        if response.status_code >= 500:
            failures.append(f"{where}: {response.text[:300]}")
        elif response.status_code >= 400:
            seen["4xx"] += 1
            body = response.json()
            if set(body) != {"error"} or not body["error"].get("code"):
                failures.append(f"{where}: not the JSON error shape: {response.text[:200]}")
            if _fingerprint(db, data) != before:
                failures.append(f"{where}: wrote to the database")
        else:
            seen["2xx"] += 1

    run()
