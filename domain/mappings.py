"""Mappings the seller edits in the dashboard: VTEX category, brand and attribute → Linio.

Rows live in `category_map` and `brand_map` (`{store_id, vtex_id, linio_id, source}`, the
shape `domain/importer.py` writes from the plugin's CSV files) and `attribute_map`
(`{store_id, category, vtex_field, linio_attribute, values: {vtex value: Linio value}}`).
Export writes the plugin's CSV format back (`id_seller_center,id_vtex`), so a file
exported here imports there and back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.storage import ATTRIBUTE_MAP, BRAND_MAP, CATEGORY_MAP
from domain.importer import MAPPING_COLUMNS

ID_KINDS = {"category": CATEGORY_MAP, "brand": BRAND_MAP}


class InvalidMapping(ValueError):
    """A row the seller must correct; the message names the field (English, a parameter of
    the catalogue's `invalid_mapping`)."""


def parse_values(text: str) -> dict[str, str]:
    """`vtex value = Linio value` per line → mapping; blank lines ignored."""
    values: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        vtex, sep, linio = line.partition("=")
        if not sep or not vtex.strip() or not linio.strip():
            raise InvalidMapping(f"values line {n} must read 'VTEX value = Linio value'")
        values[vtex.strip()] = linio.strip()
    return values


class Mappings:
    def __init__(self, db: AsyncDatabase) -> None:
        self._db = db

    async def save_id(self, kind: str, store_id: str, vtex_id: str, linio_id: str) -> None:
        """Map a VTEX category or brand id to Seller Center's id (both whole numbers)."""
        if kind not in ID_KINDS:
            raise InvalidMapping(f"kind must be one of {', '.join(ID_KINDS)}")
        vtex_id, linio_id = vtex_id.strip(), linio_id.strip()
        if not vtex_id.isdigit():
            raise InvalidMapping(f"VTEX id {vtex_id!r} must be a number")
        if not linio_id.isdigit():
            raise InvalidMapping(f"Seller Center id {linio_id!r} must be a number")
        await self._db[ID_KINDS[kind]].update_one(
            {"store_id": store_id, "vtex_id": vtex_id},
            {
                "$set": {
                    "linio_id": linio_id,
                    "source": "dashboard",
                    "updated_at": dt.datetime.now(dt.UTC),
                }
            },
            upsert=True,
        )

    async def save_attribute(
        self,
        store_id: str,
        category: str,
        vtex_field: str,
        linio_attribute: str,
        values: dict[str, str],
    ) -> None:
        """Map a VTEX specification of a VTEX category to a Linio attribute and its values."""
        category, vtex_field, linio_attribute = (
            category.strip(),
            vtex_field.strip(),
            linio_attribute.strip(),
        )
        if not category.isdigit():
            raise InvalidMapping(f"VTEX category {category!r} must be a number")
        if not vtex_field:
            raise InvalidMapping("the VTEX specification name is empty")
        if not linio_attribute:
            raise InvalidMapping("the Linio attribute is empty")
        await self._db[ATTRIBUTE_MAP].update_one(
            {"store_id": store_id, "category": category, "vtex_field": vtex_field},
            {
                "$set": {
                    "linio_attribute": linio_attribute,
                    "values": values,
                    "source": "dashboard",
                    "updated_at": dt.datetime.now(dt.UTC),
                }
            },
            upsert=True,
        )

    async def export_csv(self, kind: str, store_id: str) -> str:
        """The plugin's `categories.csv` / `brands.csv` for this store."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MAPPING_COLUMNS)
        cursor = self._db[ID_KINDS[kind]].find({"store_id": store_id}).sort("vtex_id", 1)
        async for doc in cursor:
            writer.writerow([doc.get("linio_id", ""), doc.get("vtex_id", "")])
        return out.getvalue()


def waiting_key(kind: str, row: dict[str, Any]) -> str:
    """The `vtex_id` a waiting SKU names for this mapping row (attribute rows: the spec)."""
    return str(row.get("vtex_field") if kind == "attribute" else row.get("vtex_id"))
