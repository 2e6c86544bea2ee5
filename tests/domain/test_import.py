"""`vtex-linio import` against a real SecantusDB, through the real CLI entry point."""

from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from app.cli import main
from app.runtime import Runtime
from app.settings import Settings
from app.storage import BRAND_MAP, CATEGORY_MAP, STORES
from domain.importer import ImportFailed, import_directory

SELLER_HEADER = (
    "vtex_seller_id,name,identifier,store,sellercenter_key,sellercenter_secret,"
    "vtex_api_key,vtex_api_secret,dock_id,has_automatic_guide,trade_policy_id"
)
LINIO_KEY = "b1bdb357ced10fe4e9a69840cdd4f0e9c03d77fe"
VTEX_TOKEN = "VTEXTOKEN-ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def write_files(
    directory: Path, seller_rows: list[str], categories: list[str], brands: list[str]
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "seller.csv").write_text("\n".join([SELLER_HEADER, *seller_rows]) + "\n")
    (directory / "categories.csv").write_text("\n".join(["id_seller_center,id_vtex", *categories]))
    (directory / "brands.csv").write_text("\n".join(["id_seller_center,id_vtex", *brands]))
    return directory


GOOD_SELLER = (
    f"1,Acme Linio,acme,MX,ops@acme.mx,{LINIO_KEY},vtexappkey-acme-X,{VTEX_TOKEN},dock1,1,3"
)


async def test_import_is_complete_encrypted_and_idempotent(
    tmp_path: Path, runtime: Runtime
) -> None:
    directory = write_files(tmp_path / "csv", [GOOD_SELLER], ["1001,59", "1002,60"], ["77,2000001"])
    report = await import_directory(directory, runtime.storage.db, runtime.stores)
    assert (report.stores_created, report.categories, report.brands) == (1, 2, 1)
    store = await runtime.stores.get("acme-mx")
    assert store is not None
    assert (store.account, store.country, store.sales_channel, store.affiliate_id) == (
        "acme",
        "MX",
        "3",
        "LMX",
    )
    assert store.has_automatic_guide and store.dock_id == "dock1"
    assert store.credentials.linio_api_key == LINIO_KEY
    assert LINIO_KEY not in repr(store) and VTEX_TOKEN not in repr(store.credentials)
    # Unreadable at rest: the raw document holds neither secret.
    raw = await runtime.storage.db[STORES].find_one({"store_id": "acme-mx"})
    assert LINIO_KEY not in repr(raw) and VTEX_TOKEN not in repr(raw)
    category = await runtime.storage.db[CATEGORY_MAP].find_one({"vtex_id": "59"})
    assert category["linio_id"] == "1001" and category["store_id"] == "acme-mx"

    again = await import_directory(directory, runtime.storage.db, runtime.stores)
    assert (again.stores_created, again.stores_updated, again.stores_unchanged) == (0, 0, 1)
    assert await runtime.storage.db[STORES].count_documents({}) == 1
    assert await runtime.storage.db[CATEGORY_MAP].count_documents({}) == 2
    assert (await runtime.stores.get("acme-mx")).notification_token == store.notification_token


async def test_bad_rows_are_reported_and_nothing_is_written(
    tmp_path: Path, runtime: Runtime
) -> None:
    directory = write_files(
        tmp_path / "csv",
        [
            GOOD_SELLER,
            "1,Other,other,AR,ops@o.com,k,key,token,d,1,3",  # AR: not a Linio country
            "1,Third,third,CL,not-an-email,k,key,token,d,maybe,x",
        ],  # e-mail, flag, trade policy
        ["1001,59", "abc,60", "1003,59"],  # non-numeric, duplicate
        ["77,2000001"],
    )
    with pytest.raises(ImportFailed) as info:
        await import_directory(directory, runtime.storage.db, runtime.stores)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "seller.csv:3: store must be a Linio country code" in text
    assert "seller.csv:4: has_automatic_guide must be 1 or 0" in text
    assert "seller.csv:4: trade policy id 'x' must be a number" in text
    assert "seller.csv:4: Seller Center user must be the seller's login e-mail" in text
    assert "categories.csv:3: id_seller_center 'abc' must be a number" in text
    assert "categories.csv:4: id_vtex 59 is already mapped to 1001 on line 2" in text
    for collection in (STORES, CATEGORY_MAP, BRAND_MAP):
        assert await runtime.storage.db[collection].count_documents({}) == 0


async def test_wrong_header_is_refused(tmp_path: Path, runtime: Runtime) -> None:
    directory = tmp_path / "csv"
    directory.mkdir()
    (directory / "seller.csv").write_text("vtex_seller_id,name\n1,x\n")
    with pytest.raises(ImportFailed) as info:
        await import_directory(directory, runtime.storage.db, runtime.stores)
    assert "seller.csv:1: header must be exactly" in str(info.value.problems[0])
    assert "missing identifier" in str(info.value.problems[0])


def test_cli_import_reports_and_never_logs_secrets(
    tmp_path: Path,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in {
        "MONGODB_URI": settings.mongodb_uri,
        "MONGODB_DB": settings.mongodb_db,
        "DATA_DIR": str(settings.data_dir),
        "SECRET_KEY": settings.secret_key,
        "LOG_LEVEL": "DEBUG",
    }.items():
        monkeypatch.setenv(key, value)
    directory = write_files(tmp_path / "csv", [GOOD_SELLER], ["1001,59"], [])
    assert main(["import", str(directory)]) == 0
    out = capsys.readouterr()
    assert "1 created" in out.out and "acme-mx" in out.out
    assert LINIO_KEY not in out.out + out.err and VTEX_TOKEN not in out.out + out.err

    (directory / "brands.csv").write_text("id_seller_center,id_vtex\nnope,1\n")
    assert main(["import", str(directory)]) == 2
    err = capsys.readouterr().err
    assert "brands.csv:2: id_seller_center 'nope' must be a number" in err

    import asyncio

    async def count() -> int:
        client: AsyncMongoClient = AsyncMongoClient(settings.mongodb_uri)
        try:
            return await client[settings.mongodb_db][STORES].count_documents({})
        finally:
            await client.drop_database(settings.mongodb_db)
            await client.close()

    assert asyncio.run(count()) == 1
