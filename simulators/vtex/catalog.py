"""The catalog of the simulated account: products, SKUs, prices and stock per trade policy.

A generated catalog carries a known share of faulty SKUs, and says which SKU has which
fault, so a test or the benchmark can assert that the connector published exactly the
healthy ones and reported each faulty one for the right reason.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from simulators.vtex import catalog_data as data

NAME_MAX_LENGTH = 255
"""Names longer than this are the "too-long name" fault (Seller Center rejects them)."""

MAIN_TRADE_POLICY = "1"
_NON_SLUG = re.compile(r"[^a-z0-9]+")
MARKETPLACE_TRADE_POLICY = "2"


class SkuFault(enum.StrEnum):
    """Why a generated SKU must not reach the marketplace as it is."""

    INACTIVE = "inactive"
    OUTSIDE_TRADE_POLICY = "outside_trade_policy"
    NO_PRICE = "no_price"
    UNMAPPED_CATEGORY = "unmapped_category"
    MISSING_SPECIFICATION = "missing_specification"
    NAME_TOO_LONG = "name_too_long"


@dataclass
class Category:
    id: int
    name: str
    parent_id: int | None
    mapped: bool = True
    required_specifications: tuple[str, ...] = ()


@dataclass
class Brand:
    id: int
    name: str
    is_active: bool = True


@dataclass
class Specification:
    field_id: int
    name: str
    value_ids: list[int]
    values: list[str]


@dataclass
class Price:
    """Selling price and list ("from") price, in cents."""

    price: int
    list_price: int


@dataclass
class Image:
    file_id: int
    name: str
    url: str


@dataclass
class Product:
    id: int
    name: str
    description: str
    category_id: int
    department_id: int
    brand_id: int
    ref_id: str
    link_id: str
    is_active: bool = True
    is_visible: bool = True
    sales_channels: list[str] = field(default_factory=list)
    specifications: list[Specification] = field(default_factory=list)
    release_date: str = "2024-01-15T00:00:00"
    keywords: str = ""


@dataclass
class Sku:
    id: int
    product_id: int
    name: str
    ref_id: str
    ean: str
    is_active: bool = True
    height: float = 10.0
    width: float = 10.0
    length: float = 10.0
    weight: float = 500.0
    images: list[Image] = field(default_factory=list)
    specifications: list[Specification] = field(default_factory=list)
    prices: dict[str, Price] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)
    modified_at: str = "2024-01-15T00:00:00Z"


def ean13(seed_number: int) -> str:
    """A valid EAN-13 (correct check digit), so barcode validators accept it."""
    body = f"789{seed_number % 10**9:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SimCatalog:
    """In-memory catalog; ``generate`` builds a realistic one, ``add_sku`` a hand-made SKU."""

    def __init__(self, account: str = "acme", *, seed: int = 1) -> None:
        self.account = account
        self.seed = seed
        self.trade_policy = MARKETPLACE_TRADE_POLICY
        self.trade_policies: dict[str, str] = {
            MAIN_TRADE_POLICY: "Tienda principal",
            MARKETPLACE_TRADE_POLICY: "Linio",
        }
        self.categories: dict[int, Category] = {}
        self.brands: dict[int, Brand] = {}
        self.products: dict[int, Product] = {}
        self.skus: dict[int, Sku] = {}
        self.faults: dict[int, frozenset[SkuFault]] = {}
        self._spec_field_ids: dict[str, int] = {}
        self._next_product = 1000
        self._next_sku = 2000000
        self._next_file = 500000
        self._build_taxonomy()

    # ----- taxonomy -------------------------------------------------------------------
    def _build_taxonomy(self) -> None:
        for dep_id, name in data.DEPARTMENTS.items():
            self.categories[dep_id] = Category(dep_id, name, None, mapped=True)
        brand_id = 2000000
        for leaf_id, (dep_id, name, required, _n, _v, _vv, brands) in data.LEAVES.items():
            unmapped = leaf_id == data.UNMAPPED_LEAF
            self.categories[leaf_id] = Category(
                leaf_id, name, dep_id, mapped=not unmapped, required_specifications=required
            )
            for brand in brands:
                if brand not in {b.name for b in self.brands.values()}:
                    brand_id += 1
                    self.brands[brand_id] = Brand(brand_id, brand)
        self.categories[data.UNMAPPED_DEPARTMENT].mapped = False

    @property
    def unmapped_category_ids(self) -> set[int]:
        return {c.id for c in self.categories.values() if not c.mapped}

    @property
    def required_specifications(self) -> dict[int, tuple[str, ...]]:
        return {c.id: c.required_specifications for c in self.categories.values()}

    def category_path(self, category_id: int) -> list[Category]:
        """Department first, leaf last (VTEX's ``/1/11/`` order)."""
        path: list[Category] = []
        current: Category | None = self.categories[category_id]
        while current is not None:
            path.insert(0, current)
            current = self.categories.get(current.parent_id) if current.parent_id else None
        return path

    def brand_named(self, name: str) -> Brand:
        for brand in self.brands.values():
            if brand.name == name:
                return brand
        raise KeyError(name)

    def spec(self, name: str, value: str) -> Specification:
        field_id = self._spec_field_ids.setdefault(name, 100 + len(self._spec_field_ids))
        values = data.SPEC_VALUES.get(name, (value,))
        value_id = field_id * 1000 + (values.index(value) if value in values else len(values))
        return Specification(field_id, name, [value_id], [value])

    # ----- lookups --------------------------------------------------------------------
    def sku(self, sku_id: int | str) -> Sku | None:
        try:
            return self.skus.get(int(sku_id))
        except (TypeError, ValueError):
            return None

    def product_of(self, sku: Sku) -> Product:
        return self.products[sku.product_id]

    def healthy_sku_ids(self) -> list[int]:
        return [sku_id for sku_id in self.skus if sku_id not in self.faults]

    def skus_with(self, fault: SkuFault) -> list[int]:
        return [sku_id for sku_id, faults in self.faults.items() if fault in faults]

    def sku_ids_in(self, sales_channel: str, *, only_assigned: bool) -> list[int]:
        if not only_assigned:
            return list(self.skus)
        return [
            sku.id
            for sku in self.skus.values()
            if sales_channel in self.products[sku.product_id].sales_channels
        ]

    def availability(self, sku: Sku, sales_channel: str) -> tuple[Price | None, int]:
        """Price and stock the fulfillment API offers; ``(None, 0)`` when it omits the SKU
        (inactive, outside the trade policy, unpriced). A priced SKU without stock is
        offered with stock 0, as VTEX returns it."""
        product = self.products[sku.product_id]
        price = sku.prices.get(sales_channel)
        stock = sku.stock.get(sales_channel, 0)
        sellable = (
            sku.is_active
            and product.is_active
            and sales_channel in product.sales_channels
            and price is not None
        )
        return (price, max(stock, 0)) if sellable else (None, 0)

    # ----- building -------------------------------------------------------------------
    def add_product(
        self,
        *,
        name: str,
        category_id: int = 11,
        brand_id: int | None = None,
        description: str | None = None,
        sales_channels: Iterable[str] = (MAIN_TRADE_POLICY, MARKETPLACE_TRADE_POLICY),
        specifications: dict[str, str] | None = None,
        is_active: bool = True,
    ) -> Product:
        self._next_product += 1
        pid = self._next_product
        category = self.categories[category_id]
        if brand_id is None:
            brand_id = self.brand_named(data.LEAVES[category_id][6][0]).id
        if specifications is None:
            specifications = {
                spec: data.SPEC_VALUES[spec][pid % len(data.SPEC_VALUES[spec])]
                for spec in category.required_specifications
            }
        product = Product(
            id=pid,
            name=name,
            description=description or data.DESCRIPTION.format(name=name),
            category_id=category_id,
            department_id=category.parent_id or category_id,
            brand_id=brand_id,
            ref_id=f"P-{pid}",
            link_id=_slug(name)[:80] + f"-{pid}",
            is_active=is_active,
            sales_channels=list(sales_channels),
            specifications=[self.spec(k, v) for k, v in specifications.items()],
            keywords=name.lower(),
        )
        self.products[pid] = product
        return product

    def add_sku(
        self,
        product: Product | None = None,
        *,
        name: str | None = None,
        price: int | None = 19990,
        list_price: int | None = None,
        stock: int = 10,
        sales_channel: str | None = None,
        is_active: bool = True,
        images: int = 2,
        variation: tuple[str, str] | None = None,
    ) -> Sku:
        """Add one SKU (and a product if none is given) priced and stocked in one policy."""
        if product is None:
            product = self.add_product(name=name or "Smartphone Samsung Galaxy A15")
        self._next_sku += 1
        sku_id = self._next_sku
        sales_channel = sales_channel or self.trade_policy
        sku_name = name or (variation[1] if variation else product.name)
        sku = Sku(
            id=sku_id,
            product_id=product.id,
            name=sku_name,
            ref_id=f"REF-{sku_id}",
            ean=ean13(sku_id),
            is_active=is_active,
            height=float(5 + sku_id % 40),
            width=float(10 + sku_id % 30),
            length=float(10 + sku_id % 50),
            weight=float(200 + (sku_id * 37) % 4800),
            specifications=[self.spec(*variation)] if variation else [],
        )
        slug = product.link_id.rsplit("-", 1)[0][:60]
        for _ in range(images):
            self._next_file += 1
            sku.images.append(
                Image(
                    self._next_file,
                    f"{slug}-{len(sku.images) + 1}",
                    f"https://{self.account}.vteximg.com.br/arquivos/ids/{self._next_file}/"
                    f"{slug}.jpg",
                )
            )
        if price is not None:
            sku.prices[sales_channel] = Price(price, list_price or price)
            sku.prices.setdefault(MAIN_TRADE_POLICY, Price(price, list_price or price))
        sku.stock[sales_channel] = stock
        sku.stock.setdefault(MAIN_TRADE_POLICY, stock)
        self.skus[sku_id] = sku
        return sku

    def generate(
        self,
        n_skus: int = 5000,
        faulty_share: float = 0.1,
        *,
        trade_policy: str = MARKETPLACE_TRADE_POLICY,
        faults: Iterable[SkuFault] = tuple(SkuFault),
    ) -> SimCatalog:
        """Add ``n_skus`` SKUs; ``round(n_skus * faulty_share)`` carry exactly one fault each.

        Faults are spread evenly over ``faults``; each faulty SKU is the only SKU of its
        product so that product-level faults never spill onto healthy siblings. Healthy
        products have one to three SKUs (variations). Deterministic for a given seed.
        """
        rnd = random.Random(self.seed)
        self.trade_policy = trade_policy
        kinds = list(faults)
        n_faulty = round(n_skus * faulty_share) if kinds else 0
        plan: list[list[SkuFault | None]] = []  # one entry per product: the SKUs' faults
        for i in range(n_faulty):
            plan.append([kinds[i % len(kinds)]])
        healthy = n_skus - n_faulty
        while healthy > 0:
            size = min(healthy, rnd.choice((1, 1, 2, 3)))
            plan.append([None] * size)
            healthy -= size
        rnd.shuffle(plan)
        leaves = [leaf for leaf in data.LEAVES if leaf != data.UNMAPPED_LEAF]
        for sku_faults in plan:
            fault = sku_faults[0]
            leaf = data.UNMAPPED_LEAF if fault is SkuFault.UNMAPPED_CATEGORY else rnd.choice(leaves)
            self._generate_product(rnd, leaf, sku_faults, trade_policy)
        return self

    def _generate_product(
        self, rnd: random.Random, leaf: int, sku_faults: list[SkuFault | None], sc: str
    ) -> None:
        _dep, _name, required, nouns, variation, variation_values, brands = data.LEAVES[leaf]
        brand = self.brand_named(rnd.choice(brands))
        name = (
            f"{rnd.choice(nouns)} {brand.name} {rnd.choice(data.ADJECTIVES)} {rnd.randint(10, 990)}"
        )
        fault = sku_faults[0]
        if fault is SkuFault.NAME_TOO_LONG:
            name = (name + " edición especial importada") * 12
            name = name[: NAME_MAX_LENGTH + 45]
        specs = {spec: rnd.choice(data.SPEC_VALUES[spec]) for spec in required}
        if fault is SkuFault.MISSING_SPECIFICATION:
            specs.pop(rnd.choice(required))
        policies = [MAIN_TRADE_POLICY, sc]
        if fault is SkuFault.OUTSIDE_TRADE_POLICY:
            policies = [MAIN_TRADE_POLICY] if sc != MAIN_TRADE_POLICY else ["3"]
        product = self.add_product(
            name=name,
            category_id=leaf,
            brand_id=brand.id,
            sales_channels=dict.fromkeys(policies),
            specifications=specs,
            is_active=not (fault is SkuFault.INACTIVE and rnd.random() < 0.5),
        )
        values = rnd.sample(variation_values, k=min(len(sku_faults), len(variation_values)))
        for index, sku_fault in enumerate(sku_faults):
            base = rnd.randrange(990, 499990, 1000)
            promo = rnd.random() < 0.3
            value = values[index % len(values)]
            sku = self.add_sku(
                product,
                name=f"{product.name} {value}" if len(sku_faults) > 1 else product.name,
                price=base,
                list_price=int(round(base * 1.2, -1)) if promo else None,  # cents: int
                stock=rnd.randint(1, 200),
                sales_channel=sc,
                images=rnd.randint(1, 4),
                variation=(variation, value),
            )
            if sku_fault is SkuFault.NO_PRICE:
                sku.prices.pop(sc, None)
            if sku_fault is SkuFault.INACTIVE and product.is_active:
                sku.is_active = False
            if sku_fault is not None:
                self.faults[sku.id] = frozenset({sku_fault})


def _slug(text: str) -> str:
    return _NON_SLUG.sub("-", text.lower()).strip("-")
