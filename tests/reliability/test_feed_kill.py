"""The feed owner killed at each moment of a ProductCreate's life (review F1, issue 19 item 3).

The real process (`python -m app serve`, its embedded SecantusDB and broker) runs an
initial load of a small catalog to the Seller Center simulator. The simulator holds one
request at the chosen moment (its `faults.pause` hook, never timing) and the test strikes:

- `service-before-create`: kill -9 of the service while its ProductCreate is held before
  Seller Center did anything (it never arrives);
- `service-create-accepted`: kill -9 of the service while Seller Center holds its answer
  to an accepted ProductCreate (the F1 case: the same SKUs were created twice);
- `service-while-processing`: kill -9 while the feed processes (a FeedStatus answer held);
- `database-create-accepted`: kill -9 of the SecantusDB child while Seller Center holds
  its answer to an accepted ProductCreate (its supervisor restarts it);
- `garbled-answer`: no kill; the ProductCreate is carried out and answered HTTP 200 with
  a truncated body, and FeedList fails for every one of the client's tries.

Each ends with every SKU of the trade policy live on Seller Center and live in our status
API, each SellerSku in exactly one ProductCreate record on the simulator, and no SKU
shown rejected. Every wait is for an event, under a generous hang guard.

Every case runs on the embedded broker; those where RabbitMQ changes what happens to the
feed nudge also run on RabbitMQ (a vhost of the test's own; the database stays embedded
under DATA_DIR), where they end with `feed.<store>` and `catalog.<store>` empty and no
dead letter:

- `service-create-accepted`: the kill -9 leaves the nudge unacknowledged; RabbitMQ
  requeues it and the single-active-consumer queue `feed.<store>` passes to the restarted
  process (on the embedded broker the journal redelivers it instead). The other two
  service kills take the same broker path and are left to the embedded broker.
- `database-create-accepted`: on RabbitMQ the broker stays up while the database is away,
  so the failed run's nudge goes through `feed.<store>.retry` and comes back while the
  database may still be down (so does the embedded broker's since its journal left the database).
- `garbled-answer`: the unknown outcome keeps the run waiting (FeedOffsetList failing,
  then the feeds breaker open) with its nudge unacknowledged for tens of seconds. RabbitMQ
  does not absorb a nudge into one already waiting (the embedded broker does), so any
  nudge published meanwhile waits behind it on the single active consumer and must find
  nothing to send again when it comes.

All five were run on RabbitMQ when this was written; the two service kills left out take
the same broker path as `service-create-accepted` (about 20 s each).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import signal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from app.runtime import open_runtime
from app.settings import Settings
from bench.scenarios import catalog_prepare
from simulators.linio.faults import Pause
from simulators.linio.server import LinioSimulator
from simulators.linio.state import SimSeller
from simulators.vtex import VtexSimulator
from tests.handlers.rigs import simulated_store
from tests.reliability.rabbit_faults import Broker, consumer_counts
from tests.reliability.service import ADMIN_PASSWORD, Service, pid_alive, running
from tests.reliability.waits import until

SELLER = SimSeller(user_id="ops@acme.mx", api_key="k" * 40, seller_id="ACME", country="MX")
SKUS = 40
HANG_GUARD = 240.0  # seconds; a guard against hanging, never an expectation
FINAL = ("live", "rejected", "invalid", "skipped", "pending_mapping", "deactivated")


async def _status(http: aiohttp.ClientSession, service: Service, store_id: str) -> dict[str, Any]:
    """The status API's report, or {} while the service cannot answer it."""
    auth = aiohttp.BasicAuth("admin", ADMIN_PASSWORD)
    try:
        async with http.get(f"{service.url}/api/stores/{store_id}/status", auth=auth) as answer:
            return await answer.json() if answer.status == 200 else {}
    except (aiohttp.ClientError, OSError):
        return {}


def _creates(linio: LinioSimulator) -> collections.Counter[str]:
    """SellerSku → ProductCreate records naming it on the simulator."""
    return collections.Counter(
        str(r.get("SellerSku"))
        for f in linio.feeds(SELLER.user_id).values()
        if f.action == "ProductCreate"
        for r in f.records
    )


async def _seed(service: Service, store: Any, vtex: VtexSimulator) -> None:
    """The store, the demo mappings and the Mapper registration, as the sandbox makes them."""
    settings = Settings.from_env(service.env)
    async with open_runtime(settings, start_broker=False) as runtime:
        await runtime.stores.upsert(store)
        await catalog_prepare(store, vtex)(runtime, service.url)


def _feed_run_failed(service: Service) -> bool:
    """The feed owner's run ended on the database (its nudge is retried)."""
    return any(
        "message_retry_scheduled" in line and "feed." in line and "database" in line
        for line in service.output().splitlines()
    )


async def _keep_database_down(service: Service) -> None:
    """Kill -9 every database child the supervisor starts until the write that records
    the held answer has failed (the owner's run ends on it): the driver would otherwise
    wait for a restart within its server selection time and the write would succeed."""

    def down() -> bool:
        for pid in service.db_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return _feed_run_failed(service)

    await until(down, "the feed owner's run to fail on the database")


MOMENTS = [
    "service-before-create",
    "service-create-accepted",
    "service-while-processing",
    "database-create-accepted",
    "garbled-answer",
]
ON_RABBITMQ = ("service-create-accepted", "database-create-accepted", "garbled-answer")
"""The cases where RabbitMQ changes what happens to the nudge (see the module docstring)."""
CASES = [
    *(pytest.param(moment, "embedded", id=f"{moment}-embedded") for moment in MOMENTS),
    *(
        pytest.param(moment, "rabbitmq", id=f"{moment}-rabbitmq", marks=pytest.mark.rabbitmq)
        for moment in ON_RABBITMQ
    ),
]


async def _queues_drained(broker: Broker, store_id: str) -> None:
    """On RabbitMQ: the store's catalog and feed queues (ready and unacknowledged) and
    their dead letters empty, and the feed queue consumed by the running process."""
    watched = [f"{context}.{store_id}" for context in ("catalog", "feed")]
    watched += [f"{q}.dead" for q in watched]

    def empty() -> bool:  # a queue missing from the listing is not "empty"
        messages = broker.messages()
        return all(messages.get(q) == 0 for q in watched)

    try:
        await until(empty, "the catalog and feed queues empty")
    except AssertionError:
        raise AssertionError(f"queues not empty: {broker.messages()}") from None
    url = broker.env["AMQP_URL"]
    consumers = await consumer_counts(url, [f"feed.{store_id}"])
    assert (consumers[f"feed.{store_id}"] or 0) >= 1, consumers


@pytest.mark.parametrize(("moment", "broker"), CASES, indirect=["broker"])
async def test_a_feed_is_never_sent_twice_whatever_dies_when(
    tmp_path: Path, moment: str, broker: Broker
) -> None:
    async with (
        VtexSimulator("acme", seed=3) as vtex,
        LinioSimulator([SELLER], feed_delay=2.0, qc_delay=0.2) as linio,
        aiohttp.ClientSession() as http,
    ):
        vtex.catalog.generate(n_skus=SKUS, faulty_share=0.0)
        store = simulated_store(vtex, linio, SELLER)
        offered = {
            str(s) for s in vtex.catalog.sku_ids_in(vtex.catalog.trade_policy, only_assigned=True)
        }
        data = tmp_path / "data"
        env = {
            "ALLOW_LOOPBACK": "1",
            "FEED_POLL_INTERVAL": "0.5",
            "FEED_OWNER_LEASE": "10",
            **broker.env,
        }
        service = Service(data, **env)
        await _seed(service, store, vtex)
        vtex.register_affiliate(
            store.affiliate_id,
            sales_channel=store.sales_channel,
            search_uri_endpoint=store.endpoints(service.url)[0],
        )
        held: Pause | None = None
        if moment in ("service-before-create",):
            held = linio.faults.pause("ProductCreate")
        elif moment in ("service-create-accepted", "database-create-accepted"):
            held = linio.faults.pause("ProductCreate", applied=True)
        elif moment == "service-while-processing":
            held = linio.faults.pause("FeedStatus", applied=True)
        else:
            linio.faults.garble_next("ProductCreate")
            linio.faults.fail_action_next("FeedList", 3)  # the client's check, every try
            linio.faults.fail_action_next("FeedOffsetList", 1)  # and the owner's first

        with contextlib.ExitStack() as services:
            services.enter_context(running(service))
            auth = aiohttp.BasicAuth("admin", ADMIN_PASSWORD)
            async with http.post(
                f"{service.url}/api/stores/{store.store_id}/load", auth=auth
            ) as answer:
                assert answer.status == 202
            if held is not None:
                await asyncio.wait_for(held.reached.wait(), HANG_GUARD)
            if moment == "service-while-processing":
                assert {f.status for f in linio.feeds(SELLER.user_id).values()} <= {
                    "Queued",
                    "Processing",
                }
            if moment.startswith("service-"):
                service.kill()
                assert held is not None
                held.release(drop=moment == "service-before-create")
                service = Service(data, port=service.port, **env)  # same port and data
                services.enter_context(running(service))
            elif moment == "database-create-accepted":
                [db_pid] = service.db_pids()
                os.kill(db_pid, signal.SIGKILL)
                await until(lambda: not pid_alive(db_pid), "the database child gone")
                assert held is not None
                held.release()  # the answer reaches a service whose database is away
                await _keep_database_down(service)

            async def settled() -> bool:
                report = await _status(http, service, store.store_id)
                if not report:
                    return False
                by_state = report["skus"]["by_state"]
                return (
                    (report.get("initial_load") or {}).get("status") == "done"
                    and all(s in FINAL for s, n in by_state.items() if n)
                    and sum(by_state.values()) >= len(offered)
                    and not report["pending"]["feeds_in_flight"]
                    and not report["pending"]["staged_changes"]
                )

            try:
                await until(settled, "every SKU settled")
            except AssertionError:
                report = await _status(http, service, store.store_id)
                raise AssertionError(
                    f"{moment}: not settled: {report.get('skus', {}).get('by_state')}, "
                    f"pending {report.get('pending')}, creates {len(_creates(linio))}, "
                    f"on Seller Center {len(linio.products(SELLER.user_id))}"
                ) from None
            report = await _status(http, service, store.store_id)
            if broker.vhost is not None:
                await _queues_drained(broker, store.store_id)

        creates = _creates(linio)
        twice = {sku: n for sku, n in creates.items() if n > 1}
        assert not twice, f"{moment}: SellerSkus in more than one ProductCreate: {twice}"
        on_seller_center = set(linio.products(SELLER.user_id))
        assert on_seller_center == offered, f"{moment}: {len(on_seller_center)}/{len(offered)}"
        by_state = report["skus"]["by_state"]
        assert by_state == {"live": len(offered)}, f"{moment}: {by_state}"
        rejected = [h for h in report["skus"]["held_back"] if h["status"] == "rejected"]
        assert not rejected, f"{moment}: shown rejected: {rejected[:5]}"
        refused = [e for f in linio.feeds(SELLER.user_id).values() for e in f.errors]
        assert not refused, f"{moment}: Seller Center refused records: {refused[:5]}"
