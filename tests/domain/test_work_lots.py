"""`retried_alone`: which messages of a lot carry a SKU's own error, and which SKUs of lot
messages go out again as messages of their own (CLARIFICATIONS §9)."""

from __future__ import annotations

from domain.work import SkuLotWork, SkuWork, retried_alone


def test_a_sku_failing_alone_is_retried_alone() -> None:
    boom = RuntimeError("VTEX 503 for one batch")
    works: list[SkuWork | SkuLotWork] = [
        SkuWork("acme-mx", sku_id="1", action="stock"),
        SkuLotWork("acme-mx", sku_ids=("2", "3", "4"), action="stock"),
        SkuWork("acme-mx", sku_id="5", action="stock"),
    ]
    errors, alone = retried_alone(works, {"1": boom, "3": boom})
    assert errors == {0: boom}  # the one-SKU message is retried as it is
    assert [(w.sku_id, w.action, w.at) for w in alone] == [("3", "stock", works[1].at)]
    assert retried_alone(works, {}) == ({}, [])
