"""The ORDER field table: how a Linio order becomes a VTEX order, as data (CLARIFICATIONS §5).

Beside the catalog's field table, this one says for every VTEX field of the Channel Order
API body (spec §3.4.1; the fulfillment-order body of §3.6 reuses the same values) where the
value comes from in Seller Center's GetOrder / GetOrderItems (spec Linio §4.1) and how it is
transformed. `placement.py` builds the body from the same functions this module defines
(`order_lines`, `order_totals`), so the table and the code cannot drift apart; the admin
page renders `ORDER_FIELDS`.

Money rules (the VTEX order's totals add up from what it carries):

- Seller Center sends money as decimals in the order's currency; VTEX wants integer cents
  (`cents`: ×100, rounded half-up; CLP too, VTEX keeps two decimals for every currency).
- Linio order items are one per unit. Units of one SellerSku become ONE VTEX line with a
  quantity and keep their `OrderItemId`s (invoice, tracking and cancel go per item). Units
  of one SKU that were paid differently (a voucher applied to one unit only) become one
  line per distinct unit price, so that price × quantity is exactly what the buyer paid.
- `items[].price` is the unit price the buyer paid: `PaidPrice` (after vouchers); when
  Seller Center leaves it empty, `ItemPrice − VoucherAmount`. Never VTEX's price
  (CLARIFICATIONS §4: the seller's divergence rule decides).
- `logisticsInfo[].price` is the line's `ShippingAmount` summed over its units — except
  for orders shipped with Linio's guides (FOB, `has_automatic_guide`): Linio delivers and
  keeps the freight, so VTEX gets 0 and the payment value leaves the freight out.
- `marketplacePaymentValue` = Σ line price × quantity + Σ logisticsInfo price. The
  vouchers (`ItemPrice − PaidPrice`) are already inside the item prices (spec §3.4.1,
  Scenario 4: discounts are applied before sending), and kept apart in the ledger.

Pure module: standard library only (Linio's dataclasses are read by attribute).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from domain.errors.base import Bilingual

if TYPE_CHECKING:
    from clients.linio.models import OrderItem

CANCELLED_ITEM_STATUSES = frozenset({"canceled", "cancelled"})


@dataclass(frozen=True)
class OrderField:
    """One row: VTEX field (Channel Order API path), Linio source, rule, mandatory."""

    vtex: str
    linio: str
    rule: Bilingual
    mandatory: bool = True


def _r(es: str, en: str) -> Bilingual:
    return Bilingual(es=es, en=en)


ORDER_FIELDS: tuple[OrderField, ...] = (
    OrderField(
        "marketplaceOrderId",
        "Order.OrderNumber",
        _r(
            "El número de pedido que el vendedor busca en Seller Center; el ledger guarda "
            "además el OrderId.",
            "The order number the seller searches in Seller Center; the ledger also keeps "
            "the OrderId.",
        ),
    ),
    OrderField(
        "marketplaceOrderStatus",
        "OrderItem.IsProcessable",
        _r(
            "«approved» cuando todos los ítems son procesables (pagado); si no, «new» y se "
            "aprueba al pagarse.",
            "'approved' when every item is processable (paid); otherwise 'new', approved "
            "once paid.",
        ),
    ),
    OrderField(
        "items[].id",
        "OrderItem.Sku (SellerSku)",
        _r(
            "SKU de VTEX vinculado al SellerSku; un SellerSku sin vínculo impide el pedido "
            "(log I).",
            "VTEX SKU linked to the SellerSku; an unlinked SellerSku stops the order (log I).",
        ),
    ),
    OrderField(
        "items[].quantity",
        "OrderItem (uno por unidad)",
        _r(
            "Cantidad de ítems de Linio del mismo SellerSku y precio pagado; los "
            "OrderItemId quedan asociados a la línea.",
            "Number of Linio items of the same SellerSku and paid price; their OrderItemIds "
            "stay attached to the line.",
        ),
    ),
    OrderField(
        "items[].price",
        "OrderItem.PaidPrice (o ItemPrice − VoucherAmount)",
        _r(
            "Precio unitario pagado en Linio, en centavos, con los cupones ya descontados.",
            "Unit price paid on Linio, in cents, vouchers already deducted.",
        ),
    ),
    OrderField(
        "shippingData.logisticsInfo[].price",
        "OrderItem.ShippingAmount",
        _r(
            "Suma del envío cobrado por las unidades de la línea, en centavos; 0 con guías "
            "de Linio (FOB).",
            "Sum of the freight charged for the line's units, in cents; 0 with Linio's "
            "guides (FOB).",
        ),
    ),
    OrderField(
        "shippingData.logisticsInfo[].selectedSla",
        "— (simulación de VTEX)",
        _r(
            "SLA más barato que la simulación ofrece para el destino; vacío con guías de "
            "Linio (FOB).",
            "Cheapest SLA the simulation offers for the destination; empty with Linio's "
            "guides (FOB).",
        ),
        mandatory=False,
    ),
    OrderField(
        "shippingData.logisticsInfo[].shippingEstimate",
        "— (simulación de VTEX)",
        _r("Estimado del SLA elegido.", "Estimate of the chosen SLA."),
        mandatory=False,
    ),
    OrderField(
        "shippingData.isFob",
        "Tienda: has_automatic_guide",
        _r(
            "true cuando Linio entrega con sus guías: VTEX necesita una política de envío "
            "«Delivery» para la política comercial.",
            "true when Linio delivers with its guides: VTEX needs a 'Delivery' shipping "
            "policy for the trade policy.",
        ),
    ),
    OrderField(
        "marketplacePaymentValue",
        "Σ PaidPrice + Σ ShippingAmount",
        _r(
            "Lo que el comprador pagó en Linio por el pedido (sin el envío cuando es FOB).",
            "What the buyer paid on Linio for the order (freight left out when FOB).",
        ),
    ),
    OrderField(
        "clientProfileData.firstName / lastName",
        "Order.CustomerFirstName / CustomerLastName",
        _r("Tal cual.", "As is."),
    ),
    OrderField(
        "clientProfileData.email",
        "Order.AddressBilling.CustomerEmail",
        _r(
            "Tal cual (dato personal: enmascarado en logs).",
            "As is (personal data: masked in logs).",
        ),
    ),
    OrderField(
        "clientProfileData.phone",
        "Order.AddressShipping.Phone",
        _r("Tal cual (enmascarado en logs).", "As is (masked in logs)."),
        mandatory=False,
    ),
    OrderField(
        "clientProfileData.document",
        "Order.NationalRegistrationNumber",
        _r("Tal cual (enmascarado en logs).", "As is (masked in logs)."),
        mandatory=False,
    ),
    OrderField(
        "shippingData.selectedAddresses[].receiverName",
        "AddressShipping.FirstName + LastName",
        _r("Nombre y apellido del destinatario.", "Receiver's first and last name."),
    ),
    OrderField(
        "shippingData.selectedAddresses[].street",
        "AddressShipping.Address1",
        _r("Tal cual.", "As is."),
    ),
    OrderField(
        "shippingData.selectedAddresses[].complement",
        "AddressShipping.Address2…Address5",
        _r("Unidos con «, ».", "Joined with ', '."),
        mandatory=False,
    ),
    OrderField(
        "shippingData.selectedAddresses[].neighborhood",
        "AddressShipping.Ward",
        _r("Colonia / barrio.", "Neighbourhood."),
        mandatory=False,
    ),
    OrderField(
        "shippingData.selectedAddresses[].city / state",
        "AddressShipping.City / Region",
        _r("Tal cual.", "As is."),
    ),
    OrderField(
        "shippingData.selectedAddresses[].postalCode",
        "AddressShipping.PostCode",
        _r(
            "Obligatorio en México; en Chile, Perú y Colombia, si falta, el código que la "
            "tienda asignó a la comuna/distrito/ciudad en VTEX.",
            "Required in Mexico; in Chile, Peru and Colombia, when missing, the code the "
            "store gave the commune/district/city in VTEX.",
        ),
    ),
    OrderField(
        "shippingData.selectedAddresses[].country",
        "Tienda: país",
        _r(
            "ISO 3166-1 alfa-3 del país de la tienda.",
            "ISO 3166-1 alpha-3 of the store's country.",
        ),
    ),
    OrderField(
        "invoiceData.userPaymentInfo.paymentMethods",
        "Order.PaymentMethod",
        _r("Lista con el medio de pago de Linio.", "List with Linio's payment method."),
        mandatory=False,
    ),
)


def cents(value: Decimal | int | str | None) -> int | None:
    """Decimal currency units → integer cents, half-up; None stays None."""
    if value is None or value == "":
        return None
    return int((Decimal(str(value)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def paid_unit_cents(item: OrderItem) -> int | None:
    """What the buyer paid for this unit, in cents: PaidPrice, else ItemPrice − VoucherAmount."""
    paid = cents(item.paid_price)
    if paid is not None and (paid > 0 or cents(item.item_price) in (None, 0)):
        return paid
    listed = cents(item.item_price)
    if listed is None:
        return None
    return listed - (cents(item.voucher_amount) or 0)


@dataclass(frozen=True)
class OrderLine:
    """One VTEX line: SellerSku, unit price paid (cents), the Linio items (one per unit),
    the freight for those units (cents) and the list price / vouchers for the ledger."""

    seller_sku: str
    unit_price: int
    item_ids: tuple[str, ...]
    shipping: int
    list_price: int
    voucher: int

    @property
    def quantity(self) -> int:
        return len(self.item_ids)

    @property
    def value(self) -> int:
        return self.unit_price * self.quantity


def live_items(items: Iterable[OrderItem]) -> list[OrderItem]:
    """Items still to deliver: those Linio has not cancelled."""
    return [i for i in items if (i.status or "").lower() not in CANCELLED_ITEM_STATUSES]


def order_lines(items: Iterable[OrderItem], *, fob: bool = False) -> list[OrderLine]:
    """Units grouped into lines by (SellerSku, unit price paid), in Seller Center's order.

    Items without SellerSku or price are left out: `placement.problems` reports them.
    """
    groups: dict[tuple[str, int], list[OrderItem]] = {}
    for item in items:
        price = paid_unit_cents(item)
        if not item.sku or price is None:
            continue
        groups.setdefault((item.sku, price), []).append(item)
    lines = []
    for (sku, price), units in groups.items():
        lines.append(
            OrderLine(
                seller_sku=sku,
                unit_price=price,
                item_ids=tuple(u.order_item_id for u in units),
                shipping=0 if fob else sum(cents(u.shipping_amount) or 0 for u in units),
                list_price=cents(units[0].item_price) or price,
                voucher=sum((cents(u.item_price) or price) - price for u in units),
            )
        )
    return lines


@dataclass(frozen=True)
class OrderTotals:
    """Cents. `payment` = `items` + `shipping` is VTEX's marketplacePaymentValue;
    `vouchers` (already inside `items`) is kept for the ledger and the dashboard."""

    items: int
    shipping: int
    vouchers: int

    @property
    def payment(self) -> int:
        return self.items + self.shipping


def order_totals(lines: Iterable[OrderLine]) -> OrderTotals:
    lines = list(lines)
    return OrderTotals(
        items=sum(line.value for line in lines),
        shipping=sum(line.shipping for line in lines),
        vouchers=sum(line.voucher for line in lines),
    )
