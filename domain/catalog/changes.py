"""What a catalog evaluation hands to the feed scheduler (spec §2.3–2.5, CLARIFICATIONS §6).

Pure: the SKU's state as read and its prepared Linio product in, the changes to stage and the
state fields to record with the evaluation out. No database, broker or HTTP.

- Linio lacks the SKU: one `create` carrying every field (a ProductCreate carries Price and
  Quantity), then its images.
- Linio has it but we never handed it over (found by a census or a GetProducts lookup:
  adopted, never created twice) or a deactivation took it off: `content`, `price` and
  `stock` (the whole offer), then its images.
- Linio has it and we handed it over: `content` and images only when the content hash
  changed; price and stock are the price/stock flow's.
- A removal recorded (`removal_at`): a full create, newer than the removal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.catalog.transform import LinioProduct


@dataclass(frozen=True)
class Staging:
    """`changes`: (kind, Seller Center fields without SellerSku) in the order to stage them;
    `fields`: what the evaluation records on the SKU's state (`catalog_hash`, `seller_sku`,
    `removal_at` cleared, `adopted` when first found on Linio)."""

    changes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)


def needs_lookup(state: dict[str, Any], seller_sku: str) -> bool:
    """Whether Linio must be asked (GetProducts) if it has this SellerSku before anything is
    staged: not known on Linio, no census or lookup covered it, no removal recorded."""
    on_linio = bool(state.get("on_linio")) and state.get("seller_sku") == seller_sku
    checked = state.get("linio_checked") and state.get("seller_sku") in (None, seller_sku)
    return not state.get("removal_at") and not on_linio and not checked


def changes_for(
    product: LinioProduct, state: dict[str, Any], *, found_on_linio: bool | None = None
) -> Staging:
    """The changes for `product` given the SKU's `state`; `found_on_linio` is the answer of a
    lookup (`needs_lookup`) when one was made, None otherwise."""
    seller_sku = product.seller_sku
    on_linio = bool(state.get("on_linio")) and state.get("seller_sku") == seller_sku
    adopted = False
    if state.get("removal_at"):
        # Removed from Linio, or a removal staged or in flight: a full create, newer than the
        # removal. Still staged, it cancels the removal and goes out as an update of the
        # listing; in flight, it waits for Linio's answer and goes out as a ProductCreate
        # once the removal is confirmed.
        on_linio = False
    elif found_on_linio is not None:
        adopted = on_linio = found_on_linio
    elif state.get("seller_sku") == seller_sku and "catalog_hash" not in state:
        # On Linio but never handed over by us (found by the load's census), or taken off by
        # a deactivation: send everything, the offer included.
        adopted = True
    fields = {k: v for k, v in product.fields.items() if k != "SellerSku"}
    content_hash = product.content_hash()
    unchanged = state.get("catalog_hash") == content_hash and not adopted
    changes: list[tuple[str, dict[str, Any]]] = []
    if not on_linio:
        changes.append(("create", fields))
    elif adopted:
        offer = {k: v for k, v in product.offer_fields().items() if k != "SellerSku"}
        content = {k: v for k, v in product.content_fields().items() if k != "SellerSku"}
        changes.append(("content", content))
        changes.append(("price", {k: v for k, v in offer.items() if k != "Quantity"}))
        changes.append(("stock", {"Quantity": offer.get("Quantity", "0")}))
    elif not unchanged:
        content = {k: v for k, v in product.content_fields().items() if k != "SellerSku"}
        changes.append(("content", content))
    if product.images and not unchanged:
        changes.append(("image", {"Images": list(product.images)}))
    recorded: dict[str, Any] = {
        "catalog_hash": content_hash,
        "removal_at": None,
        "seller_sku": seller_sku,
    }
    if found_on_linio is not None:
        recorded["linio_checked"] = True
        recorded["on_linio"] = found_on_linio
    if adopted and not state.get("feed_ids"):
        recorded["adopted"] = True
    return Staging(changes, recorded)
