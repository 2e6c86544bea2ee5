"""The core on exactly what the simulators produce (their pure data functions, no servers):
the VTEX simulator's generated catalog goes through validate/transform, and the resulting
ProductCreate body through the Linio simulator's feed rules."""

from __future__ import annotations

from clients.linio.bodies import products_xml
from clients.linio.models import Attribute, AttributeOption
from clients.vtex.models import parse_simulation, parse_sku_context
from domain.catalog.problems import by_log_code
from domain.catalog.snapshot import AttributeMapping, SkuSnapshot, StoreRules
from domain.catalog.validate import prepare
from simulators.linio import params
from simulators.linio.catalog_data import SimAttribute, all_categories, attributes_for
from simulators.linio.state import SellerState, SimSeller
from simulators.vtex.catalog import SimCatalog, SkuFault
from simulators.vtex.catalog_json import sku_context
from simulators.vtex.fulfillment import ShippingRules, simulate
from tests.domain.catalog.snapshots import NOW

# The mappings a seller (or the sandbox) would make between the two simulators' data.
CATEGORY_MAP = {11: "1001", 12: "3001", 13: "1003", 21: "2001", 22: "2002"}
CATEGORY_MAP |= {31: "3001", 32: "3001", 41: "3001", 42: "3001"}
BRAND_MAP = {"Samsung": "Samsung"}  # every other VTEX brand → "Genérica"
ATTRIBUTE_MAP = {
    "Model": AttributeMapping("Memoria interna"),
    "Color": AttributeMapping("Color", {"Nogal": "Café", "Gris": "Negro", "Azul": "Negro"}),
}
EXPECTED_LOG = {
    SkuFault.INACTIVE: "A2",
    SkuFault.OUTSIDE_TRADE_POLICY: "A1",
    SkuFault.NO_PRICE: "A1",
    SkuFault.UNMAPPED_CATEGORY: "E4",
    SkuFault.MISSING_SPECIFICATION: "E1",
    SkuFault.NAME_TOO_LONG: "E1",
}


def _attribute(a: SimAttribute) -> Attribute:
    """What GetCategoryAttributes parses into for one simulated attribute."""
    return Attribute(
        label=a.label,
        name=a.name,
        feed_name=a.feed_name,
        global_identifier=None,
        group_name=a.group,
        is_mandatory=a.mandatory,
        is_global=False,
        description=None,
        product_type=a.product_type,
        input_type=a.input_type,
        attribute_type=a.attribute_type,
        example_value=a.example,
        max_length=int(a.max_length) if a.max_length else None,
        options=tuple(AttributeOption(o, None, i == 0) for i, o in enumerate(a.options)),
    )


def _snapshots(catalog: SimCatalog) -> dict[int, SkuSnapshot]:
    linio_categories = all_categories()
    out: dict[int, SkuSnapshot] = {}
    for sku_id, sku in catalog.skus.items():
        product = catalog.product_of(sku)
        context = parse_sku_context(sku_context(catalog, sku))
        answer = simulate(
            catalog,
            ShippingRules(),
            catalog.trade_policy,
            {
                "items": [{"id": str(sku_id), "quantity": 1, "seller": "1"}],
                "postalCode": "01000",  # the store's destination (Store.simulation_destination)
                "country": "MEX",
            },
        )
        linio_category = CATEGORY_MAP.get(product.category_id)
        siblings = {
            str(s.id): s.ref_id for s in catalog.skus.values() if s.product_id == product.id
        }
        out[sku_id] = SkuSnapshot(
            sku=context,
            rules=StoreRules.for_country("MX"),
            sales_channel=catalog.trade_policy,
            now=NOW,
            simulation=parse_simulation(answer).items.get(str(sku_id)),
            product_skus=siblings,
            linio_category=linio_category,
            vtex_category_name=catalog.categories[product.category_id].name,
            linio_brand=BRAND_MAP.get(context.brand_name, "Genérica"),
            attribute_mappings=ATTRIBUTE_MAP,
            category_attributes=tuple(
                _attribute(a) for a in attributes_for(linio_categories[linio_category])
            )
            if linio_category
            else (),
            required_specifications=catalog.required_specifications[product.category_id],
        )
    return out


def test_generated_catalog_healthy_skus_publish_and_each_fault_gets_its_log() -> None:
    catalog = SimCatalog("acme", seed=7).generate(240, faulty_share=0.1)
    assert {f for faults in catalog.faults.values() for f in faults} == set(SkuFault)
    products = []
    for sku_id, snap in _snapshots(catalog).items():
        prepared = prepare(snap)
        faults = catalog.faults.get(sku_id)
        if faults is None:
            assert prepared.product is not None, (sku_id, prepared.problems)
            products.append(prepared.product)
        else:
            [fault] = faults
            assert prepared.product is None, (sku_id, fault)
            assert EXPECTED_LOG[fault] in by_log_code(prepared.problems), (fault, prepared)
    assert len(products) == len(catalog.healthy_sku_ids())

    # the feed Seller Center's rules (as the Linio simulator applies them) accept every one
    state = SellerState(SimSeller("a@acme.mx", "key", "1"), (50, 120.0))
    body = products_xml([p.fields for p in products])
    feed = state.new_feed("ProductCreate", params.records(body, "Product"))
    state.process(feed)
    assert feed.errors == []
    assert set(state.products) == {p.seller_sku for p in products}


def test_a_generated_product_with_several_skus_becomes_one_parent() -> None:
    catalog = SimCatalog("acme", seed=7).generate(240, faulty_share=0.1)
    snaps = _snapshots(catalog)
    by_product: dict[int, list[int]] = {}
    for sku_id, sku in catalog.skus.items():
        if sku_id not in catalog.faults:
            by_product.setdefault(sku.product_id, []).append(sku_id)
    family = next(ids for ids in by_product.values() if len(ids) == 3)
    products = [prepare(snaps[i]).product for i in family]
    assert {p.parent_sku for p in products if p} == {str(min(family))}
    variations = [p.variation for p in products if p]
    assert len(set(variations)) == 3 and None not in variations
