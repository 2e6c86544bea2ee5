import datetime as dt

import pytest

from app.runtime import Runtime
from domain.seller_log import LogEntry


async def test_entries_have_vtex_fields_and_no_secrets(runtime: Runtime) -> None:
    token = "vtex-app-token-SECRET-123456"
    entry = LogEntry(
        store_id="acme-mx",
        operation="Catalog change",
        direction="VTEX to Marketplace",
        code="E1",
        params={"problems": f"1. the brand is missing (token {token})"},
        sku_id="42",
        content_source={"IdSku": "42", "appToken": "abc", "nested": {"x": token}},
        content_translated="<Request/>",
        content_destination="https://h/?Action=X&Signature=deadbeef",
    )
    await runtime.seller_log.write(entry, secrets=[token])
    [doc] = await runtime.seller_log.find(store_id="acme-mx", day=dt.datetime.now(dt.UTC).date())
    for key in (
        "Operation",
        "Direction",
        "ContentSource",
        "ContentTranslated",
        "ContentDestination",
        "BusinessMessage",
        "Status",
    ):
        assert key in doc
    text = repr(doc)
    assert token not in text and "deadbeef" not in text and '"abc"' not in text
    assert doc["Status"] == "error" and doc["code"] == "E1"  # status from the catalogue
    assert "the brand is missing" in doc["BusinessMessage"]
    assert doc["Message"]["es"] != doc["Message"]["en"] and doc["Action"]["es"]
    assert await runtime.seller_log.find(store_id="acme-mx", statuses=["success"]) == []


def test_entry_rejects_unknown_status() -> None:
    with pytest.raises(ValueError, match="status"):
        LogEntry(
            store_id="s",
            operation="Catalog change",
            direction="VTEX to Marketplace",
            status="fine",
            code="E5",
        )


def test_entry_needs_a_catalogue_code_and_its_placeholders() -> None:
    with pytest.raises(KeyError):
        LogEntry(
            store_id="s", operation="Catalog change", direction="VTEX to Marketplace", code="Z9"
        )
    with pytest.raises(KeyError, match="problems"):
        LogEntry(
            store_id="s", operation="Catalog change", direction="VTEX to Marketplace", code="E1"
        )
