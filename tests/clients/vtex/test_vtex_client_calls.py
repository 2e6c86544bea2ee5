"""Every VtexClient call against the VTEX simulator over real HTTP."""

from __future__ import annotations

import aiohttp
import pytest

from clients.vtex import SimulationItem
from clients.vtex.client import SIMULATION_CHUNK
from simulators.vtex import SkuFault, VtexSimulator
from simulators.vtex.connect import simulator_client
from simulators.vtex.receiver import CallbackReceiver
from simulators.vtex.samples import channel_order, fulfillment_order


async def test_sku_ids_walk_every_page_of_the_trade_policy(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    sc = vtex_sim.catalog.trade_policy
    before = len(vtex_sim.requests)
    ids = [i async for i in client.sku_ids(sc, page_size=7)]
    pages = [r for r in vtex_sim.requests[before:] if "stockkeepingunitidsbysaleschannel" in r.path]
    assert len(pages) == -(-len(ids) // 7) + 1  # every page with ids, then the empty one
    assert len(ids) == len(set(ids))
    outside = {str(s) for s in vtex_sim.catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY)}
    assert outside and not outside & set(ids)
    assert {str(s) for s in vtex_sim.catalog.healthy_sku_ids()} <= set(ids)
    everything = [i async for i in client.sku_ids(sc, page_size=1000, only_assigned=False)]
    assert outside <= set(everything)


async def test_sku_and_product_reads(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    sc = vtex_sim.catalog.trade_policy
    healthy = str(vtex_sim.catalog.healthy_sku_ids()[0])
    sku = await client.sku_context(healthy, sc)
    assert sku.sku_id == healthy and sku.is_active and sku.is_product_active
    assert sku.in_trade_policy(sc) and sku.name and sku.images and sku.brand_name
    expected = vtex_sim.catalog.product_of(vtex_sim.catalog.skus[int(healthy)])
    assert sku.category_id == str(expected.category_id)
    product = await client.product(sku.product_id)
    assert product.product_id == sku.product_id and product.is_active
    assert product.category_id == sku.category_id
    with_policies = await client.product_with_trade_policies(sku.product_id)
    assert sc in with_policies.trade_policies

    inactive = str(vtex_sim.catalog.skus_with(SkuFault.INACTIVE)[0])
    inactive_sku = await client.sku_context(inactive, sc)
    assert not (inactive_sku.is_active and inactive_sku.is_product_active)
    outside = str(vtex_sim.catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY)[0])
    assert not (await client.sku_context(outside, sc)).in_trade_policy(sc)


async def test_simulation_is_chunked_and_marks_unavailable_skus(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    healthy = [str(s) for s in vtex_sim.catalog.healthy_sku_ids()]
    no_price = str(vtex_sim.catalog.skus_with(SkuFault.NO_PRICE)[0])
    inactive = str(vtex_sim.catalog.skus_with(SkuFault.INACTIVE)[0])
    items = [SimulationItem(s) for s in [*healthy, no_price, inactive]]
    assert len(items) > SIMULATION_CHUNK
    before = len(vtex_sim.requests)
    result = await client.simulate(
        items,
        sales_channel=vtex_sim.catalog.trade_policy,
        affiliate_id="LMX",
        postal_code="7500000",
        country="CHL",
    )
    calls = [r for r in vtex_sim.requests[before:] if "simulation" in r.path]
    assert len(calls) == -(-len(items) // SIMULATION_CHUNK)
    assert all(result.available(s) for s in healthy)
    assert not result.available(no_price) and not result.available(inactive)
    assert result.messages  # VTEX says why the missing ones are missing
    price, stock = vtex_sim.catalog.availability(
        vtex_sim.catalog.skus[int(healthy[0])], vtex_sim.catalog.trade_policy
    )
    item = result.items[healthy[0]]
    assert price is not None and (item.price, item.list_price) == (price.price, price.list_price)
    assert item.stock_balance == stock and item.slas

    # SellerFF: without postal code and country, no SLA and a stock balance of 0
    blind = await client.simulate(
        [SimulationItem(healthy[0])],
        sales_channel=vtex_sim.catalog.trade_policy,
        affiliate_id="LMX",
    )
    assert blind.items[healthy[0]].stock_balance == 0 and not blind.items[healthy[0]].slas
    assert not blind.available(healthy[0])

    with_destination = await client.simulate(
        [SimulationItem(healthy[0], quantity=2)],
        sales_channel=vtex_sim.catalog.trade_policy,
        affiliate_id="LMX",
        postal_code="7500000",
        country="CHL",
    )
    sla = with_destination.items[healthy[0]].slas[0]
    assert sla.id and sla.shipping_estimate and sla.price >= 0
    unserved = await client.simulate(
        [SimulationItem(healthy[0])],
        sales_channel=vtex_sim.catalog.trade_policy,
        affiliate_id="LMX",
        postal_code="9900000",
        country="CHL",
    )
    assert not unserved.items[healthy[0]].slas


async def test_channel_order_api_oms_and_feed(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    await client.set_feed_config(
        {
            "filter": {"type": "FromWorkflow", "status": ["invoiced", "canceled"]},
            "queue": {"visibilityTimeoutInSeconds": 240, "messageRetentionPeriodInSeconds": 345600},
        }
    )
    assert (await client.feed_config())["filter"]["status"] == ["invoiced", "canceled"]
    async with CallbackReceiver() as receiver:
        sku = vtex_sim.catalog.healthy_sku_ids()[0]
        body = channel_order(
            vtex_sim.catalog, [sku], marketplace_order_id="L-1", connector_endpoint=receiver.url
        )
        enqueued = await client.create_order(body, affiliate_id="LMX")
        assert enqueued.success and enqueued.code == "SOI003"
        assert enqueued.marketplace_order_id == "L-1"  # VTEX leaves it null; we fill it in
        [integrated] = await vtex_sim.wait_for("processing-result")
        assert integrated.payload["code"] == "SOI001"
        order_id = integrated.payload["fields"]["mainOrderId"]

        duplicate = await client.create_order(body, affiliate_id="LMX")
        if duplicate.code == "SOI003":  # the duplicate is found asynchronously
            results = await vtex_sim.wait_for("processing-result", count=2)
            assert results[-1].payload["code"] == "EOI007"
        else:
            assert duplicate.code == "EOI007" and not duplicate.success
        seen = len([d for d in vtex_sim.deliveries if d.kind == "processing-result"])
        approved = await client.update_order_status(
            "L-1", "approved", connector_name="vtex-linio", connector_endpoint=receiver.url
        )
        assert approved.success and approved.flow == "ApproveOrder"
        results = await vtex_sim.wait_for("processing-result", count=seen + 1)
        assert results[-1].payload["code"] == "SOI002"

        order = await client.get_order(order_id)
        assert order.order_id == order_id and order.marketplace_order_id == "L-1"
        assert order.value > 0
        await client.start_handling(order_id)
        assert vtex_sim.order(order_id).status == "handling"
        receipt = await client.invoice(
            order_id,
            {
                "type": "Output",
                "invoiceNumber": "F-1",
                "invoiceValue": order.value,
                "issuanceDate": "2026-11-22T10:00:00Z",
                "items": [],
            },
        )
        assert receipt.receipt
        await client.update_tracking(order_id, "F-1", tracking_number="TRK-1", courier="Estafeta")
        await client.tracking_events(
            order_id,
            "F-1",
            is_delivered=False,
            events=[
                {
                    "city": "Santiago",
                    "state": "RM",
                    "description": "En camino",
                    "date": "2026-11-22T12:00:00Z",
                }
            ],
        )
        assert (await client.get_order(order_id)).invoiced
        [invoice] = vtex_sim.order(order_id).invoices
        assert invoice.tracking_number == "TRK-1" and invoice.tracking is not None
        await client.invoice(
            order_id,
            {
                "type": "Input",
                "invoiceNumber": "R-1",
                "invoiceValue": str(order.value),  # the Orders API's documented type
                "issuanceDate": "2026-11-23T10:00:00Z",
                "items": [],
            },
        )
        cancelled = await client.cancel_order(order_id, reason="Cancelado en Linio")
        assert cancelled.receipt
        with pytest.raises(ValueError):
            await client.invoice(order_id, {"type": "Other"})

    events = await client.read_feed()
    assert [e["state"] for e in events if e["orderId"] == order_id][:1] == ["invoiced"]
    await client.commit_feed([e["handle"] for e in events])
    assert await client.read_feed() == []


async def test_channel_order_refusals_are_results(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    body = channel_order(
        vtex_sim.catalog,
        [vtex_sim.catalog.healthy_sku_ids()[0]],
        marketplace_order_id="L-9",
        connector_endpoint="http://127.0.0.1:9",
    )
    without_items = await client.create_order({**body, "items": None}, affiliate_id="LMX")
    assert not without_items.success and without_items.code == "EOI005"
    assert without_items.marketplace_order_id == "L-9" and without_items.errors
    bad_status = await client.update_order_status(
        "L-9", "invoiced", connector_name="vtex-linio", connector_endpoint="http://127.0.0.1:9"
    )
    assert not bad_status.success and bad_status.code == "EOI005"
    assert [r.status for r in vtex_sim.requests] == [400, 400]  # refusals are not retried


async def test_fulfillment_orders_hook_and_affiliates(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    sku = vtex_sim.catalog.healthy_sku_ids()[1]
    sc = vtex_sim.catalog.trade_policy
    placed = await client.place_fulfillment_orders(
        [
            fulfillment_order(
                vtex_sim.catalog,
                [sku],
                marketplace_order_id="L-2",
                services_endpoint="http://127.0.0.1:9/",
            )
        ],
        sales_channel=sc,
        affiliate_id="LMX",
    )
    order_id = placed[0]["orderId"]
    await client.fulfill_order(order_id, "L-2", sales_channel=sc, affiliate_id="LMX")
    assert (await client.get_order(order_id)).marketplace_order_id == "L-2"

    async with CallbackReceiver() as hook:
        config = {
            "filter": {"type": "FromWorkflow", "status": ["ready-for-handling"]},
            "hook": {"url": f"{hook.url}/vtex/hook", "headers": {}},
        }
        await client.set_hook_config(config)
        assert hook.at("/vtex/hook")[0].body == {"hookConfig": "ping"}
        assert (await client.hook_config())["hook"]["url"] == config["hook"]["url"]

    assert await client.get_affiliate("QZX") is None
    await client.upsert_affiliate(
        "QZX",
        name="Linio MX",
        sales_channel="2",
        search_endpoint="https://linio.example.com/catalog/notification?token=t",
        follow_up_email="ops@acme.mx",
    )
    affiliate = await client.get_affiliate("QZX")
    assert affiliate is not None
    assert vtex_sim.affiliates["QZX"].search_uri_endpoint.endswith("/catalog/notification?token=t")


async def test_cookie_authentication(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http, cookie=vtex_sim.app_cookie)
    product_id = str(vtex_sim.catalog.skus[vtex_sim.catalog.healthy_sku_ids()[0]].product_id)
    assert (await client.product_with_trade_policies(product_id)).is_active
