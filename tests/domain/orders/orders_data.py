"""Linio orders and VTEX simulations for the order cores' tests (values written here)."""

from __future__ import annotations

from decimal import Decimal

from clients.linio.models import Address, Order, OrderItem, ShipmentProvider
from clients.vtex.models import SimulatedItem, Simulation, Sla
from domain.orders.placement import PlacementSettings


def address(**changes: object) -> Address:
    values: dict[str, object] = {
        "first_name": "Ana",
        "last_name": "Pérez",
        "phone": "5512345678",
        "phone2": None,
        "lines": ("Av. Reforma 222", "Depto 4"),
        "email": "ana@example.com",
        "city": "Ciudad de México",
        "ward": "Juárez",
        "region": "CDMX",
        "post_code": "06600",
        "country": "Mexico",
    }
    values.update(changes)
    return Address(**values)  # type: ignore[arg-type]


def order(order_id: str = "190", number: str = "2190", **changes: object) -> Order:
    values: dict[str, object] = {
        "order_id": order_id,
        "order_number": number,
        "customer_first_name": "Ana",
        "customer_last_name": "Pérez",
        "payment_method": "CreditCard",
        "remarks": None,
        "delivery_info": None,
        "price": None,
        "gift_option": False,
        "gift_message": None,
        "voucher_code": None,
        "created_at": None,
        "updated_at": None,
        "address_updated_at": None,
        "billing": address(),
        "shipping": address(),
        "national_registration_number": "PEAA800101XYZ",
        "items_count": None,
        "promised_shipping_time": None,
        "extra_attributes": None,
        "statuses": ("pending",),
    }
    values.update(changes)
    return Order(**values)  # type: ignore[arg-type]


def item(
    item_id: str,
    sku: str | None = "SKU-1",
    paid: str | None = "100.00",
    *,
    price: str | None = None,
    voucher: str = "0",
    shipping: str = "0.00",
    status: str = "pending",
    processable: bool = True,
    provider: str | None = None,
) -> OrderItem:
    return OrderItem(
        order_item_id=item_id,
        order_id="190",
        shop_id=None,
        name="Taza",
        sku=sku,
        variation=None,
        shop_sku=None,
        shipping_type="Dropshipping",
        item_price=Decimal(price or paid or "0") if (price or paid) else None,
        paid_price=Decimal(paid) if paid is not None else None,
        currency="MXN",
        tax_amount=None,
        cod_collectable_amount=None,
        shipping_amount=Decimal(shipping),
        shipping_service_cost=None,
        voucher_amount=Decimal(voucher),
        voucher_code=None,
        status=status,
        is_processable=processable,
        shipment_provider=provider,
        tracking_code=None,
        tracking_code_pre=None,
        reason=None,
        reason_detail=None,
        purchase_order_id=None,
        purchase_order_number=None,
        package_id=None,
        promised_shipping_time=None,
        extra_attributes=None,
        shipping_provider_type="standard",
        created_at=None,
        updated_at=None,
        return_status=None,
    )


NORMAL = Sla("normal", "Normal", 1500, "3bd", "delivery")
EXPRESS = Sla("express", "Express", 4000, "1bd", "delivery")


def simulated(sku: str, *, price: int = 10000, stock: int = 10, slas=(NORMAL, EXPRESS)):
    # VTEX answers `quantity` = what it can sell of the quantity asked (capped by stock).
    return SimulatedItem(sku, price, price, price, stock, stock, tuple(slas))


def simulation(*items: SimulatedItem) -> Simulation:
    return Simulation({i.sku_id: i for i in items})


def settings(**changes: object) -> PlacementSettings:
    values: dict[str, object] = {
        "connector_name": "vtex-linio",
        "connector_endpoint": "https://connector.example.com/vtex/tok",
        "affiliate_id": "LMX",
        "sales_channel": "1",
        "country": "MX",
    }
    values.update(changes)
    return PlacementSettings(**values)  # type: ignore[arg-type]


def provider(name: str, regex: str | None = None, example: str | None = None) -> ShipmentProvider:
    return ShipmentProvider(name, False, True, False, regex, example, None, ("standard",))
