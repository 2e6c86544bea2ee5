"""Placement: Linio order + SKU map + simulation → the VTEX body, every problem at once."""

from __future__ import annotations

import json

import pytest
from orders_data import NORMAL, address, item, order, settings, simulated, simulation

from domain.orders.placement import normalise, place, plan, render_problems
from domain.personal_data import mask_personal

SKUS = {"SKU-1": "101", "SKU-2": "102"}


def test_a_paid_order_becomes_the_channel_order_api_body():
    units = [
        item("11", paid="349.90", shipping="49.00"),
        item("12", paid="349.90", shipping="49.00"),
    ]
    the_plan = plan(order(), units, SKUS, settings())
    placement = place(the_plan, simulation(simulated("101", price=30000)), settings())
    body = placement.body
    assert placement.problems == ()
    assert body["marketplaceOrderId"] == "2190"  # OrderNumber: what the seller searches
    assert body["marketplaceOrderStatus"] == "approved"
    assert body["items"] == [{"id": "101", "price": 34990, "quantity": 2}]
    assert body["marketplacePaymentValue"] == 2 * 34990 + 2 * 4900
    logistics = body["shippingData"]["logisticsInfo"]
    assert logistics == [
        {
            "price": 9800,
            "selectedDeliveryChannel": "delivery",
            "selectedSla": "normal",  # the cheapest SLA offered
            "lockTTL": "2d",
            "shippingEstimate": "3bd",
            "deliveryIds": [],
        }
    ]
    addr = body["shippingData"]["selectedAddresses"][0]
    assert (addr["postalCode"], addr["country"], addr["street"], addr["city"]) == (
        "06600",
        "MEX",
        "Av. Reforma 222",
        "Ciudad de México",
    )
    assert addr["complement"] == "Depto 4" and addr["neighborhood"] == "Juárez"
    assert addr["receiverName"] == "Ana Pérez"
    assert body["clientProfileData"]["document"] == "PEAA800101XYZ"
    assert body["shippingData"]["isFob"] is False
    assert body["customData"]["customApps"][0]["fields"] == {
        "orderId": "190",
        "orderNumber": "2190",
    }
    assert "?" not in body["connectorEndpoint"]
    # VTEX's price at placement kept beside the Linio amounts, never sent.
    assert placement.vtex_prices == {"101": 30000}
    assert the_plan.simulation_items() == [("101", 2)]


def test_an_unpaid_order_is_created_as_new():
    the_plan = plan(order(), [item("1", processable=False)], SKUS, settings())
    assert not the_plan.paid
    assert (
        place(the_plan, simulation(simulated("101")), settings()).body["marketplaceOrderStatus"]
        == "new"
    )


def test_transformation_problems_are_all_listed_at_once():
    shipping = address(post_code="", lines=())
    the_plan = plan(
        order(shipping=shipping),
        [item("1", "SKU-X"), item("2", "SKU-Y"), item("3", "SKU-1", paid=None, price=None)],
        SKUS,
        settings(),
    )
    codes = [
        (p.code, p.params.get("seller_sku") or p.params.get("field")) for p in the_plan.problems
    ]
    assert ("order.sku_unmapped", "SKU-X") in codes
    assert ("order.sku_unmapped", "SKU-Y") in codes
    assert ("order.item_without_price", "SKU-1") in codes
    assert ("order.address_field_missing", "PostCode") in codes
    assert ("order.address_field_missing", "Address1") in codes
    assert {p.letter for p in the_plan.problems} == {"I"}
    placement = place(the_plan, simulation(), settings())
    assert placement.body is None and placement.letters() == ["I"]
    text = render_problems(placement.problems, "es")
    assert "SKU-X" in text and "SKU-Y" in text and "PostCode" in text


def test_simulation_problems_are_listed_with_their_letters():
    the_plan = plan(
        order(),
        [item("1", "SKU-1"), item("2", "SKU-2"), item("3", "SKU-3"), item("4", "SKU-4")],
        {"SKU-1": "101", "SKU-2": "102", "SKU-3": "103", "SKU-4": "104"},
        settings(),
    )
    sim = simulation(simulated("102", stock=0), simulated("103", slas=()), simulated("104"))
    placement = place(the_plan, sim, settings(), inactive={"104"})
    found = {(p.code, p.letter, p.params["sku_id"]) for p in placement.problems}
    assert found == {
        ("order.sku_not_simulated", "D", "101"),
        ("order.sku_out_of_stock", "D", "102"),
        ("order.sku_no_sla", "D", "103"),
        ("order.sku_inactive", "F", "104"),
    }
    assert placement.body is None
    assert placement.letters() == ["D", "F"]


def test_stock_is_checked_against_every_unit_of_the_sku():
    units = [item("1"), item("2"), item("3")]
    the_plan = plan(order(), units, SKUS, settings())
    placement = place(the_plan, simulation(simulated("101", stock=2)), settings())
    assert [(p.code, p.params["quantity"]) for p in placement.problems] == [
        ("order.sku_out_of_stock", 3)
    ]


def test_orders_with_linio_guides_are_fob():
    units = [item("1", paid="100.00", shipping="30.00")]
    fob = settings(fob=True)
    body = place(plan(order(), units, SKUS, fob), simulation(simulated("101")), fob).body
    logistics = body["shippingData"]["logisticsInfo"][0]
    assert body["shippingData"]["isFob"] is True
    assert logistics["selectedSla"] == "" and logistics["price"] == 0
    assert body["marketplacePaymentValue"] == 10000  # Linio keeps the freight


def test_fob_without_a_delivery_policy_tells_the_seller_which_policy_vtex_needs():
    fob = settings(fob=True)
    placement = place(
        plan(order(), [item("1")], SKUS, fob), simulation(simulated("101", slas=())), fob
    )
    assert [p.code for p in placement.problems] == ["order.fob_policy_needed"]
    assert "Delivery" in placement.problems[0].render("en") or "delivery" in placement.problems[
        0
    ].render("en")


@pytest.mark.parametrize(
    ("country", "post_code", "table", "expected", "problem"),
    [
        ("MX", "06600", {}, "06600", None),
        ("MX", "", {}, None, "order.address_field_missing"),
        ("CL", "", {"nunoa": "7750000"}, "7750000", None),  # commune → VTEX code
        ("CL", "", {}, None, "order.postal_code_unknown"),
        ("PE", None, {"miraflores, lima": "150122"}, "150122", None),
        ("CO", "110111", {}, "110111", None),
    ],
)
def test_addresses_without_postal_code_are_resolved_per_country(
    country, post_code, table, expected, problem
):
    city = {"CL": "Ñuñoa", "PE": "Miraflores"}.get(country, "Bogotá")
    shipping = address(post_code=post_code, city=city, region="Lima" if country == "PE" else "X")
    the_plan = plan(
        order(shipping=shipping), [item("1")], SKUS, settings(country=country, postal_codes=table)
    )
    assert (the_plan.destination.postal_code if the_plan.destination else None) == expected
    assert [p.code for p in the_plan.problems] == ([problem] if problem else [])


def test_normalise_ignores_case_and_accents():
    assert normalise("  Ñuñoa ") == "nunoa"
    assert normalise("Miraflores,  Lima") == "miraflores, lima"


def test_the_older_method_gets_a_fulfillment_order_array():
    ff = settings(method="fulfillment", marketplace_services_endpoint="https://c.example/vtex/tok")
    units = [item("1", "SKU-1"), item("2", "SKU-2", paid="50.00")]
    body = place(
        plan(order(), units, SKUS, ff), simulation(simulated("101"), simulated("102")), ff
    ).body
    assert isinstance(body, list) and len(body) == 1
    [fo] = body
    assert fo["marketplaceServicesEndpoint"] == "https://c.example/vtex/tok"
    assert fo["items"] == [
        {"id": "101", "price": 10000, "quantity": 1, "seller": "1"},
        {"id": "102", "price": 5000, "quantity": 1, "seller": "1"},
    ]
    assert [li["itemIndex"] for li in fo["shippingData"]["logisticsInfo"]] == [0, 1]
    assert fo["clientProfileData"]["Document"] == "PEAA800101XYZ"
    assert fo["marketplacePaymentValue"] == 15000


def test_an_order_cancelled_on_linio_has_nothing_to_place():
    the_plan = plan(order(), [item("1", status="canceled")], SKUS, settings())
    assert the_plan.nothing_to_place
    assert not the_plan.paid


def test_personal_data_is_masked_for_logs():
    the_plan = plan(order(), [item("1")], SKUS, settings())
    body = place(the_plan, simulation(simulated("101", slas=(NORMAL,))), settings()).body
    masked = json.dumps(mask_personal(body), ensure_ascii=False)
    for secret in ("PEAA800101XYZ", "5512345678", "ana@example.com", "Av. Reforma 222", "Pérez"):
        assert secret not in masked
    assert "Ciudad de México" in masked and "06600" in masked
    assert mask_personal({"document": "12345678909"}) == {"document": "***909"}
    assert body["clientProfileData"]["document"] == "PEAA800101XYZ"  # the original untouched
