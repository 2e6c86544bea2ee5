"""`vtex-linio import`: the CSV files Linio's own VTEX plugin asks sellers to fill.

Sellers moving from that plugin keep their files: `seller.csv`, `categories.csv` and
`brands.csv`, with exactly those columns. Every file is checked in full before anything is
written, and every bad row is reported with file, line and reason, so a seller fixes all
problems in one pass and never ends with half an import. Re-importing is harmless.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pymongo.asynchronous.database import AsyncDatabase

from clients.redact import mask_text
from domain.mappings import MAPPING_COLUMNS, Mappings
from domain.stores import (
    COUNTRIES,
    DEFAULT_AFFILIATES,
    Store,
    StoreCredentials,
    StoreRepository,
    make_store_id,
)

SELLER_COLUMNS = (
    "vtex_seller_id",
    "name",
    "identifier",
    "store",
    "sellercenter_key",
    "sellercenter_secret",
    "vtex_api_key",
    "vtex_api_secret",
    "dock_id",
    "has_automatic_guide",
    "trade_policy_id",
)
TRUE_WORDS = {"1", "true", "yes", "si", "sí", "y", "s"}
FALSE_WORDS = {"0", "false", "no", "n", ""}


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ImportFailed(Exception):
    """Nothing was written; `problems` lists every bad row of every file."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")


@dataclass
class ImportReport:
    stores_created: int = 0
    stores_updated: int = 0
    stores_unchanged: int = 0
    categories: int = 0
    brands: int = 0
    store_ids: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str | None:
    """The text of a CSV as spreadsheet programs save it: UTF-8 with or without BOM (Excel's
    "CSV UTF-8", LibreOffice, Google Sheets), UTF-16 with BOM (Excel's "Unicode text"), or
    Windows-1252 (Excel's plain "CSV" on a Spanish Windows). None when it is none of them."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _dialect(text: str) -> tuple[str, type[csv.Dialect] | csv.Dialect]:
    """Drop Excel's `sep=;` hint line and pick the delimiter: the hint's, else sniffed
    among `,`, `;` and tab (Excel writes `;` where the decimal separator is a comma)."""
    first, _, rest = text.partition("\n")
    hint = first.strip().lower()
    if hint.startswith("sep=") and len(hint) == 5:
        text = rest

        class Hinted(csv.excel):
            delimiter = first.strip()[4]

        return text, Hinted
    try:
        return text, csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return text, csv.excel


def _read_rows(
    path: Path, columns: tuple[str, ...], problems: list[RowProblem]
) -> list[tuple[int, dict[str, str]]]:
    """Rows keyed by column. Line numbers are those a spreadsheet shows (a `sep=` hint line
    counts), so the seller finds the row that was reported."""
    name = path.name
    text = _decode(path.read_bytes())
    if text is None:
        problems.append(RowProblem(name, 1, "the file is not UTF-8 text; save it as CSV UTF-8"))
        return []
    hinted_text, dialect = _dialect(text)
    offset = 1 if hinted_text is not text else 0
    text = hinted_text
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header) != columns:
        missing = [c for c in columns if c not in header]
        unknown = [h for h in header if h not in columns]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if unknown:
            detail.append(f"unknown {', '.join(unknown)}")
        if not detail:
            detail.append("columns out of order")
        problems.append(
            RowProblem(
                name,
                1 + offset,
                f"header must be exactly: {', '.join(columns)} ({'; '.join(detail)})",
            )
        )
        return []
    rows = []
    for line, values in enumerate(reader, start=2 + offset):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            problems.append(
                RowProblem(name, line, f"expected {len(columns)} values, found {len(values)}")
            )
            continue
        rows.append((line, {c: v.strip() for c, v in zip(columns, values, strict=True)}))
    return rows


# Columns whose values are secrets: never echoed in a problem, never accepted elsewhere.
SECRET_COLUMNS = ("sellercenter_secret", "vtex_api_secret")
LOOKS_LIKE_KEY = re.compile(r"^(?:[0-9a-fA-F]{32,}|[A-Za-z0-9_-]{40,})$")


def _shown(value: str) -> str:
    """A rejected value as echoed back: short ones verbatim, long ones (a key typed into
    the wrong column looks like that) only by their length."""
    return repr(value) if len(value) <= 12 else f"a {len(value)}-character value (not shown)"


def parse_sellers(path: Path, affiliate_id: str | None, problems: list[RowProblem]) -> list[Store]:
    stores: list[Store] = []
    seen: dict[str, int] = {}
    for line, row in _read_rows(path, SELLER_COLUMNS, problems):
        before = len(problems)
        secret_values = [row[c] for c in SECRET_COLUMNS if len(row[c]) >= 4]

        def bad(reason: str, line: int = line, secret_values: list[str] = secret_values) -> None:
            # A secret typed into the wrong column must not be echoed back (CLI, logs).
            problems.append(RowProblem(path.name, line, mask_text(reason, secret_values)))

        for column in SELLER_COLUMNS:
            if column not in SECRET_COLUMNS and row[column] and row[column] in secret_values:
                bad(f"{column} holds the value of a secret column: are the columns swapped?")
        if any(row[c].upper() in COUNTRIES for c in SECRET_COLUMNS):
            bad("a secret column holds a country code: are the columns swapped?")
        if LOOKS_LIKE_KEY.match(row["identifier"]):
            bad("identifier looks like an API key, not a VTEX account: are the columns swapped?")

        country = row["store"].upper()
        if country not in COUNTRIES:
            bad(
                f"store must be a Linio country code ({', '.join(COUNTRIES)}), "
                f"got {_shown(row['store'])}"
            )
        for column in (
            "identifier",
            "sellercenter_key",
            "sellercenter_secret",
            "vtex_api_key",
            "vtex_api_secret",
            "trade_policy_id",
        ):
            if not row[column]:
                bad(f"{column} is empty")
        guide = row["has_automatic_guide"].lower()
        if guide not in TRUE_WORDS | FALSE_WORDS:
            bad(f"has_automatic_guide must be 1 or 0, got {_shown(row['has_automatic_guide'])}")
        account = row["identifier"].lower()
        store = Store(
            store_id=make_store_id(account, country),
            account=account,
            affiliate_id=(affiliate_id or DEFAULT_AFFILIATES.get(country, "LNX")).upper(),
            sales_channel=row["trade_policy_id"],
            country=country,
            linio_user_id=row["sellercenter_key"],
            name=row["name"],
            linio_seller_id=row["name"],
            vtex_seller_id=row["vtex_seller_id"] or "1",
            dock_id=row["dock_id"],
            has_automatic_guide=guide in TRUE_WORDS,
            credentials=StoreCredentials(
                linio_api_key=row["sellercenter_secret"],
                vtex_app_key=row["vtex_api_key"],
                vtex_app_token=row["vtex_api_secret"],
            ),
        )
        for reason in store.validate():
            if not reason.startswith("country"):  # already reported in the CSV's own words
                bad(reason)
        if store.store_id in seen:
            bad(f"store {store.store_id} is already defined on line {seen[store.store_id]}")
        if len(problems) == before:
            seen[store.store_id] = line
            stores.append(store)
    return stores


def parse_mapping(path: Path, problems: list[RowProblem]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, row in _read_rows(path, MAPPING_COLUMNS, problems):
        linio_id, vtex_id = row["id_seller_center"], row["id_vtex"]
        if not linio_id.isdigit():
            problems.append(
                RowProblem(path.name, line, f"id_seller_center {linio_id!r} must be a number")
            )
            continue
        if not vtex_id.isdigit():
            problems.append(RowProblem(path.name, line, f"id_vtex {vtex_id!r} must be a number"))
            continue
        if vtex_id in mapping and mapping[vtex_id] != linio_id:
            problems.append(
                RowProblem(
                    path.name,
                    line,
                    f"id_vtex {vtex_id} is already mapped to {mapping[vtex_id]} "
                    f"on line {lines[vtex_id]}",
                )
            )
            continue
        mapping[vtex_id] = linio_id
        lines.setdefault(vtex_id, line)
    return mapping


async def import_directory(
    directory: Path,
    db: AsyncDatabase,
    stores: StoreRepository,
    *,
    affiliate_id: str | None = None,
    store_id: str | None = None,
    mappings: Mappings | None = None,
) -> ImportReport:
    """Import `seller.csv` (if present), then map categories and brands onto those stores.

    Without a seller.csv, `store_id` names the existing store the mappings belong to. The
    mappings are saved through `mappings` (default: without a broker), which releases the
    SKUs waiting on them (`domain.mappings`).
    """
    problems: list[RowProblem] = []
    seller_file = directory / "seller.csv"
    parsed_stores = (
        parse_sellers(seller_file, affiliate_id, problems) if seller_file.exists() else []
    )
    categories = (
        parse_mapping(directory / "categories.csv", problems)
        if (directory / "categories.csv").exists()
        else {}
    )
    brands = (
        parse_mapping(directory / "brands.csv", problems)
        if (directory / "brands.csv").exists()
        else {}
    )
    if not seller_file.exists() and not store_id:
        problems.append(
            RowProblem(
                "seller.csv",
                0,
                "file not found; pass --store to import mappings for an existing store",
            )
        )
    if not any((directory / f).exists() for f in ("seller.csv", "categories.csv", "brands.csv")):
        problems.append(
            RowProblem(str(directory), 0, "no seller.csv, categories.csv or brands.csv found")
        )
    target_ids = [s.store_id for s in parsed_stores]
    if store_id and not parsed_stores:
        if await stores.get(store_id) is None:
            problems.append(RowProblem("--store", 0, f"store {store_id!r} does not exist"))
        target_ids = [store_id]
    if problems:
        raise ImportFailed(problems)

    report = ImportReport(store_ids=target_ids)
    for store in parsed_stores:
        existed = await stores.get(store.store_id) is not None
        changed = await stores.upsert(store)
        if not existed:
            report.stores_created += 1
        elif changed:
            report.stores_updated += 1
        else:
            report.stores_unchanged += 1
    mappings = mappings or Mappings(db)
    await mappings.save("category", target_ids, categories, source="csv")
    await mappings.save("brand", target_ids, brands, source="csv")
    report.categories, report.brands = len(categories), len(brands)
    return report
