"""The service killed (`kill -9`) while VTEX invoices go to Seller Center (review F10).

Twelve paid orders are in VTEX; then the seller invoices them in VTEX (with courier and
tracking) while the real process (`python -m app serve`, its embedded database, on the
embedded broker or on RabbitMQ in a vhost of its own) is killed at chosen moments, each
restart on the same port and data directory:

1. a SetInvoiceNumber held by Seller Center, then dropped (it never arrived);
2. a SetStatusToReadyToShip carried out by Seller Center whose answer the process never
   read;
3. an invoice callback sent while the service is down (VTEX only logs the failure);
4. RabbitMQ only: an invoice callback written to the ledger whose message could not be
   published yet (the queue refuses it) — the F10 case: the order stayed `approved`.

Afterwards every Linio item has its invoice number and is ready to ship, each through
exactly one successful call, the ledger has every order `ready_to_ship`, and the order
queues are empty with no dead letter. Every wait is for an event, under generous limits.
"""

from __future__ import annotations

import asyncio
import collections
from pathlib import Path
from typing import Any

import aiohttp

from simulators.linio.connect import sandbox_client
from simulators.linio.server import LinioSimulator
from simulators.linio.state import SimSeller
from simulators.vtex import VtexSimulator
from tests.handlers.rigs import simulated_store
from tests.reliability.rabbit_faults import Broker
from tests.reliability.seller_center import item_successes, overview_card
from tests.reliability.service import ADMIN_PASSWORD, TOKEN, Service, running, seed_store
from tests.reliability.waits import until

SELLER = SimSeller(user_id="ops@acme.mx", api_key="k" * 40, seller_id="ACME", country="MX")
ORDERS = 12
STORE = "acme-mx"
HANG_GUARD = 120.0  # seconds; a guard against hanging, never an expectation


async def _overview(http: aiohttp.ClientSession, service: Service) -> dict[str, Any]:
    """This store's card of the dashboard's overview API."""
    return await overview_card(service.url, ("admin", ADMIN_PASSWORD), STORE)


def _successes(linio: LinioSimulator, action: str) -> collections.Counter[str]:
    return item_successes(linio, action)


async def test_invoices_reach_seller_center_once_across_kills(
    tmp_path: Path, broker: Broker
) -> None:
    async with (
        VtexSimulator("acme", seed=3) as vtex,
        LinioSimulator([SELLER], webhook_retry_delays=(0.05,)) as linio,
        aiohttp.ClientSession() as http,
    ):
        vtex.catalog.generate(n_skus=ORDERS + 5, faulty_share=0.0)
        vtex.register_affiliate(
            "LMX", sales_channel=vtex.catalog.trade_policy, search_uri_endpoint="http://x/x"
        )
        data = tmp_path / "data"
        await seed_store(data, simulated_store(vtex, linio, SELLER))
        env = {"ALLOW_LOOPBACK": "1", "ORDER_POLL_INTERVAL": "2", **broker.env}
        service = Service(data, **env)

        def restarted() -> Service:  # same port: VTEX's callbacks name it
            return Service(data, port=service.port, **env)

        made = []
        with running(service):
            await sandbox_client(linio.url, http, SELLER).create_webhook(
                f"{service.url}/linio/{TOKEN}/webhook",
                ["onOrderCreated", "onOrderItemsStatusChanged"],
            )
            for sku_id in vtex.catalog.healthy_sku_ids()[:ORDERS]:
                sku = vtex.catalog.sku(sku_id)
                price, _ = vtex.catalog.availability(sku, vtex.catalog.trade_policy)
                made.append(linio.add_order(SELLER.user_id, [(str(sku_id), 1, price.price / 100)]))

            async def approved() -> bool:
                return (await _overview(http, service))["orders"] == {"approved": ORDERS}

            await until(approved, "every order approved in the ledger")
            by_number = {o.marketplace_order_id: o.order_id for o in vtex.orders}
            vtex_ids = [by_number[o.order_number] for o in made]

            async def invoice(n: int) -> None:
                await vtex.invoice_order(
                    vtex_ids[n],
                    invoice_number=f"F-{n:04d}",
                    tracking_number=f"805524152846472{n:07d}",
                    courier="Estafeta",
                )

            # 1. The third SetInvoiceNumber never reaches Seller Center: killed meanwhile.
            held = linio.faults.pause("SetInvoiceNumber", skip=2)
            for n in range(0, 4):
                await invoice(n)
            await asyncio.wait_for(held.reached.wait(), HANG_GUARD)
            service.kill()
            held.release(drop=True)

        service = restarted()
        with running(service):
            # 2. Seller Center carries out a SetStatusToReadyToShip; its answer is lost.
            held = linio.faults.pause("SetStatusToReadyToShip", skip=1, applied=True)
            for n in range(4, 8):
                await invoice(n)
            await asyncio.wait_for(held.reached.wait(), HANG_GUARD)
            service.kill()
            held.release()

        # 3. VTEX invoices while the service is down: its callback finds nobody.
        await invoice(8)
        assert not vtex.deliveries[-1].ok

        if broker.vhost is not None:
            # 4. The callback is written to the ledger; its message cannot be published
            # (the queue refuses every message) when the service is killed.
            service = restarted()
            with running(service):

                async def carried() -> bool:  # what came before is done, its queue empty
                    card = await _overview(http, service)
                    return card["orders"] == {"ready_to_ship": 9, "approved": ORDERS - 9} and (
                        broker.messages().get(f"order-status.{STORE}") == 0
                    )

                await until(carried, "the first nine invoices on Seller Center")
                broker.rabbitmqctl(
                    "set_policy",
                    "refuse-status",
                    rf"^order-status\.{STORE}$",
                    '{"max-length": 0, "overflow": "reject-publish"}',
                    "--apply-to",
                    "queues",
                )
                callback = asyncio.create_task(invoice(9))
                await until(
                    lambda: "publish_waiting_for_broker" in service.output(),
                    "the invoice callback waiting to publish",
                )
                service.kill()
                broker.rabbitmqctl("clear_policy", "refuse-status")
                await callback

        service = restarted()
        with running(service):
            for n in range(10 if broker.vhost else 9, ORDERS):
                await invoice(n)

            def on_seller_center() -> bool:
                items = [i for o in linio.orders(SELLER.user_id).values() for i in o.items]
                return all(i.status == "ready_to_ship" and i.invoice_number for i in items)

            await until(on_seller_center, "every item invoiced and ready to ship on Linio")

            async def settled() -> bool:
                card = await _overview(http, service)
                return (
                    card["orders"] == {"ready_to_ship": ORDERS}
                    and card["queues"].get("order") == 0
                    and card["queues"].get("order-status") == 0
                )

            await until(settled, "the ledger settled and the order queues empty")
            assert (await _overview(http, service))["dead_letters"] == 0

        items = {i.order_item_id: i for o in linio.orders(SELLER.user_id).values() for i in o.items}
        assert len(items) == ORDERS
        invoiced = _successes(linio, "SetInvoiceNumber")
        shipped = _successes(linio, "SetStatusToReadyToShip")
        assert invoiced == dict.fromkeys(items, 1), "SetInvoiceNumber lost or repeated"
        assert shipped == dict.fromkeys(items, 1), "SetStatusToReadyToShip lost or repeated"
        numbers = {i.order_id: i.invoice_number for i in items.values()}
        assert numbers == {o.order_id: f"F-{n:04d}" for n, o in enumerate(made)}
        assert sorted(o.marketplace_order_id for o in vtex.orders) == sorted(
            o.order_number for o in made
        )
        if broker.vhost is not None:
            waiting = {q: n for q, n in broker.messages().items() if q.startswith("order")}
            assert waiting.get(f"order-status.{STORE}") == 0, waiting
            assert not {q: n for q, n in waiting.items() if q.endswith(".dead") and n}, waiting
