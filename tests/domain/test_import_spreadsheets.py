"""The plugin CSV import reads what spreadsheet programs write (field case
"seller-csv-sep-hint"): Excel's `sep=;` first line, a UTF-8 BOM, `;` separators, CRLF line
ends, UTF-16 "Unicode text" and Windows-1252 "CSV"."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from app.runtime import Runtime
from domain.importer import ImportFailed, import_directory

# The seller.csv of the field case, as Excel (Spanish locale) saved it.
SEP_HINT_SELLER = (
    "sep=;\r\n"
    "vtex_seller_id;name;identifier;store;sellercenter_key;sellercenter_secret;vtex_api_key;"
    "vtex_api_secret;dock_id;has_automatic_guide;trade_policy_id\r\n"
    "1;Tienda Demo;demostore;MX;ops@example.com;0123456789abcdef0123456789abcdef01234567;"
    "vtexappkey-demo-X;TOKEN123;dock1;1;1\r\n"
)
MAPPINGS = "id_seller_center;id_vtex\r\n1001;59\r\n"


def write(directory: Path, seller: bytes, mapping: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "seller.csv").write_bytes(seller)
    (directory / "categories.csv").write_bytes(mapping)
    (directory / "brands.csv").write_bytes(mapping)
    return directory


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="sep-hint-crlf"),
        pytest.param(lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), id="bom"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16"),
        pytest.param(lambda text: text.replace("Demo", "Ñandú").encode("cp1252"), id="cp1252"),
        pytest.param(
            lambda text: text.removeprefix("sep=;\r\n").replace("\r\n", "\n").encode(),
            id="no-hint-lf",
        ),
    ],
)
async def test_spreadsheet_exports_import(tmp_path: Path, runtime: Runtime, encode: object) -> None:
    directory = write(tmp_path / "csv", encode(SEP_HINT_SELLER), encode(MAPPINGS))  # type: ignore[operator]
    report = await import_directory(directory, runtime.storage.db, runtime.stores)
    assert (report.stores_created, report.categories, report.brands) == (1, 1, 1)
    store = await runtime.stores.get("demostore-mx")
    assert store is not None
    assert (store.sales_channel, store.dock_id, store.has_automatic_guide) == ("1", "dock1", True)
    assert store.name.startswith("Tienda ") and store.credentials.vtex_app_token == "TOKEN123"


async def test_lines_are_counted_as_the_spreadsheet_shows_them(
    tmp_path: Path, runtime: Runtime
) -> None:
    bad = SEP_HINT_SELLER.replace(";MX;", ";AR;")
    directory = write(tmp_path / "csv", bad.encode(), MAPPINGS.encode())
    with pytest.raises(ImportFailed) as info:
        await import_directory(directory, runtime.storage.db, runtime.stores)
    assert "seller.csv:3: store must be a Linio country code" in str(info.value.problems[0])
