"""The shape of one error-catalogue entry and the rendering of its texts.

Every code the connector can emit — an HTTP error answer, a seller-facing log code of VTEX's
standard tables (S1, A1–A3, E1–E5 for the catalog, the letters A–Q for orders), or a Seller
Center / VTEX error mapped to ours — has exactly one `ErrorEntry`. Texts are `Bilingual`
(Spanish first: it is the sellers' language on Linio) with `{placeholders}` filled by
`ErrorEntry.render`. The dashboard's error-action table (`/tables/errors`) renders these
entries; no handler or domain module writes an error text inline.

Imports nothing but the standard library: a pure module.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["es", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "en")

LogStatus = Literal["success", "warning", "error", "alert", "pending"]
"""VTEX's log statuses (spec §4.1), as stored in the seller log."""

Flow = Literal["api", "catalog", "price", "stock", "order", "order-status", "platform"]


@dataclass(frozen=True)
class Bilingual:
    """One text in Spanish and English; both carry the same `{placeholders}`."""

    es: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.es

    def placeholders(self) -> set[str]:
        """Names used as `{name}` in either language."""
        return {
            name
            for text in (self.es, self.en)
            for _, name, _, _ in string.Formatter().parse(text)
            if name
        }


@dataclass(frozen=True)
class ErrorEntry:
    """One code of the catalogue.

    - `code`: stable, for programs and filters (`unknown_store`, `E1`, `order.A`…).
    - `flow`: which flow emits it (`api` for HTTP answers).
    - `http_status`: the status of the HTTP answer, where the code answers a request;
      for VTEX's log tables, the "response" column of the spec (§4.4, §4.5).
    - `log_status`: VTEX's log status where the code is written to the seller log.
    - `when`, `message`, `action`: when it happens, what the seller reads (with
      placeholders), and what the seller does about it.
    - `retry`: `True` when the connector retries by itself (the seller may just wait).
    """

    code: str
    flow: Flow
    when: Bilingual
    message: Bilingual
    action: Bilingual
    http_status: int | None = None
    log_status: LogStatus | None = None
    retry: bool = False

    def render(self, lang: str = "es", /, **params: Any) -> str:
        """The message in `lang` with its placeholders filled.

        A `Bilingual` value fills its placeholder with its text in `lang` (a list of
        problems, itself rendered from the catalogue, reads in the message's language).
        Raises `KeyError` naming the placeholder when `params` lacks one: a log without
        its SKU or order id is a bug, not a text to ship half-filled.
        """
        return self.message.get(lang).format_map(_Strict.of(params, lang))

    def render_action(self, lang: str = "es", /, **params: Any) -> str:
        return self.action.get(lang).format_map(_Strict.of(params, lang))


class _Strict(dict[str, Any]):
    @classmethod
    def of(cls, params: dict[str, Any], lang: str) -> _Strict:
        return cls({k: v.get(lang) if isinstance(v, Bilingual) else v for k, v in params.items()})

    def __missing__(self, key: str) -> Any:
        raise KeyError(f"placeholder {{{key}}} has no value")


def entries(*items: ErrorEntry) -> dict[str, ErrorEntry]:
    """A table keyed by code; a code given twice is a bug caught at import."""
    table: dict[str, ErrorEntry] = {}
    for item in items:
        if item.code in table:
            raise ValueError(f"error code {item.code!r} is defined twice")
        table[item.code] = item
    return table
