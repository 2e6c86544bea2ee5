"""Store rules and per-store maps as the dashboard edits them (issue 12, CLARIFICATIONS §4, §5).

Rules are the `Store` fields marked with `domain.stores.rule(...)` metadata: the Stores page
renders one input per rule from `rule_fields()`, so a rule field added to `Store` shows,
validates and saves with no template work. `parse_rules` turns the posted form into typed
values or a list of `RuleProblem` (an error-catalogue code and its parameters, so the
seller reads it in Spanish or English).

The courier map (VTEX courier name → Linio shipment provider) and the postal-code map
(city → postal code VTEX's shipping policies use, for Chile and Peru's addresses without
one) are edited like brand mappings: a row at a time on the page, or a two-column CSV
(`STORE_MAPS`). Keys are kept as typed; the order flow compares them normalised.

Pure: no I/O.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.stores import Store, rule_value

_METADATA = {f.name: f.metadata for f in dataclasses.fields(Store) if "rule" in f.metadata}

_ERROR_OF_KIND = {
    "percent": "store_rule_number",
    "amount": "store_rule_amount",
    "integer": "store_rule_integer",
    "choice": "store_rule_choice",
}


@dataclass(frozen=True)
class RuleField:
    """One store rule: `name` (the `Store` field), `kind` (percent, amount, integer,
    choice), `choices` of a choice, `optional` (may be empty: the rule is off)."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class RuleProblem:
    """A rejected value: `code` of the error catalogue and its parameters."""

    code: str
    params: dict[str, str]


def rule_fields() -> tuple[RuleField, ...]:
    """The store rules, in `Store`'s field order."""
    return tuple(
        RuleField(
            f.name,
            f.metadata["rule"],
            tuple(f.metadata.get("choices") or ()),
            bool(f.metadata.get("optional")),
        )
        for f in dataclasses.fields(Store)
        if "rule" in f.metadata
    )


def rule_values(store: Store) -> dict[str, Any]:
    """The store's current rule values, by field name."""
    return {f.name: getattr(store, f.name) for f in rule_fields()}


def parse_rules(form: Mapping[str, str]) -> tuple[dict[str, Any], list[RuleProblem]]:
    """The rules named in `form` as typed values (decimal strings, ints, choices), and
    a problem per value that cannot be saved (then nothing should be saved). Fields the
    form leaves out keep their value."""
    values: dict[str, Any] = {}
    problems: list[RuleProblem] = []
    for rule in rule_fields():
        if rule.name not in form:
            continue
        raw = str(form[rule.name])
        try:
            values[rule.name] = rule_value(_METADATA[rule.name], raw)
        except ValueError:
            params = {"field": rule.name, "value": raw[:40]}
            if rule.kind == "choice":
                params["choices"] = ", ".join(rule.choices)
            problems.append(RuleProblem(_ERROR_OF_KIND[rule.kind], params))
    return values, problems


def divergence_tolerance(store: Store) -> Decimal | None:
    """CLARIFICATIONS §4: with a markup, Linio's price — the one orders carry into VTEX —
    is above VTEX's, so the affiliate's price-divergence rule in VTEX needs a tolerance of
    at least the markup percent (returned; the page adds the fixed amount in words). None
    when the store has no markup."""
    try:
        percent = Decimal(str(store.markup_percent or "0"))
        fixed = Decimal(str(store.markup_fixed or "0"))
    except InvalidOperation:
        return None
    if percent == 0 and fixed == 0:
        return None
    return percent


# --- courier and postal-code maps ----------------------------------------------------------

STORE_MAPS: dict[str, tuple[str, str]] = {
    "courier_map": ("vtex_courier", "linio_shipment_provider"),
    "postal_codes": ("city", "postal_code"),
}
"""`Store` field → the two CSV columns of its rows (key, value)."""


class MapProblem(ValueError):
    """A map row or CSV that cannot be saved: `code` of the error catalogue, `params`."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def edit_map(current: Mapping[str, str], key: str, value: str) -> dict[str, str]:
    """`current` with `key` set to `value`, or removed when `value` is empty. Keys match
    case- and space-insensitively, so a row is edited in place, never doubled."""
    key, value = " ".join(key.split()), value.strip()
    if not key:
        raise MapProblem("store_map_row", row="1")
    out = {k: v for k, v in current.items() if k.casefold() != key.casefold()}
    if value:
        out[key] = value
    return out


def map_csv(kind: str, values: Mapping[str, str]) -> str:
    """The map as CSV with its header (`STORE_MAPS[kind]`), sorted by key."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STORE_MAPS[kind])
    for key in sorted(values, key=str.casefold):
        writer.writerow([key, values[key]])
    return buffer.getvalue()


def parse_map_csv(kind: str, text: str) -> dict[str, str]:
    """Every row of a map CSV (header `STORE_MAPS[kind]`, comma or semicolon); the whole
    file or nothing: raises `MapProblem` on a wrong header or a row without both values."""
    columns = STORE_MAPS[kind]
    text = text.lstrip("\ufeff")
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=dialect))
    header = tuple(c.strip().lower() for c in (rows[0] if rows else []))
    if header[:2] != columns:
        raise MapProblem("store_map_columns", columns=",".join(columns))
    out: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise MapProblem("store_map_row", row=str(line))
        out = edit_map(out, row[0], row[1])
    return out
