"""A store's destination for the stock simulation (audit fidelity-vtex #8): VTEX answers no SLA
and documents the stock as 0 without postal code and country, so every store has one."""

from __future__ import annotations

from typing import Any

import pytest

from app.runtime import Runtime
from app.storage import STORES
from domain.stores import Store


@pytest.mark.parametrize(
    ("country", "destination"),
    [("MX", ("06000", "MEX")), ("CL", ("8320000", "CHL")), ("CO", ("110111", "COL")),
     ("PE", ("15001", "PER"))],
)  # fmt: skip
def test_each_country_has_a_default_destination(
    make_store: Any, country: str, destination: tuple[str, str]
) -> None:
    assert make_store(country=country).simulation_destination() == destination


def test_the_store_setting_wins_and_is_checked(make_store: Any) -> None:
    store = make_store(simulation_postal_code="64000", simulation_country="MEX")
    assert store.simulation_destination() == ("64000", "MEX")
    assert make_store(simulation_postal_code="64000").simulation_destination() == ("64000", "MEX")
    problems = make_store(simulation_country="MX").validate()
    assert any("3-letter ISO code" in p for p in problems)


async def test_setting_is_stored_and_old_documents_get_the_default(
    runtime: Runtime, make_store: Any
) -> None:
    store: Store = make_store(simulation_postal_code="44100")
    await runtime.stores.upsert(store)
    assert (await runtime.stores.get(store.store_id)).simulation_destination()[0] == "44100"
    await runtime.storage.db[STORES].update_one(
        {"store_id": store.store_id},
        {"$unset": {"simulation_postal_code": "", "simulation_country": ""}},
    )
    old = await runtime.stores.get(store.store_id)
    assert old is not None and old.simulation_destination() == ("06000", "MEX")
