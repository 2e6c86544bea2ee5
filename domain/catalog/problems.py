"""`Problem`: one thing that keeps a SKU from Linio (or was adjusted on its way there).

`validate.py` and `prices.py` emit problems; the consumer writes them to the seller log
grouped by VTEX log code (spec §4.4): one E1 lists every data problem at once (spec §2.2 #7),
one E4 lists every missing mapping (the SKU waits and is released by the mapping), A1/A2 say
why a SKU is skipped, and non-blocking problems (adjustments) join the A3 list.

Every text comes from the error catalogue (`domain/errors/catalog.py`). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from domain.errors import entry
from domain.errors.base import Bilingual, Language
from domain.errors.catalog import PROBLEM_LOG_CODE

LOG_ORDER: tuple[str, ...] = ("A2", "A1", "E4", "E1", "A3")
"""Order in which the consumer writes the logs of one SKU."""


@dataclass(frozen=True)
class Problem:
    """One finding about a SKU.

    - `code`: a `catalog.*` code of the error catalogue (its message is the line shown).
    - `row`: key of the field-table row (`fields.ROWS`) the finding belongs to.
    - `linio_field`, `vtex_field`: the fields involved, by their platform names.
    - `params`: values for the message's placeholders (strings).
    - `blocking`: False for adjustments that do not stop publication (they go to A3).
    """

    code: str
    row: str
    linio_field: str
    vtex_field: str
    params: Mapping[str, str] = field(default_factory=dict)
    blocking: bool = True

    @property
    def log_code(self) -> str:
        """The VTEX log whose list carries this problem: A1, A2, E1, E4, or A3."""
        return PROBLEM_LOG_CODE[self.code] if self.blocking else "A3"

    @property
    def waits_for_mapping(self) -> bool:
        """True when a mapping (not a VTEX edit) resolves it: the SKU is pending (E4)."""
        return self.blocking and self.log_code == "E4"

    def render(self, lang: Language = "es") -> str:
        """The problem's line in `lang`."""
        return entry(self.code).render(
            lang, linio_field=self.linio_field, vtex_field=self.vtex_field, **self.params
        )

    def render_action(self, lang: Language = "es") -> str:
        return entry(self.code).render_action(
            lang, linio_field=self.linio_field, vtex_field=self.vtex_field, **self.params
        )


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]


def publishable(problems: Iterable[Problem]) -> bool:
    """True when nothing blocks the SKU."""
    return not blocking(problems)


def waits_for_mapping(problems: Iterable[Problem]) -> bool:
    """True when at least one blocking problem is a missing mapping: the SKU is pending
    (E4) and is re-evaluated when a mapping arrives, with no new notification."""
    return any(p.waits_for_mapping for p in problems)


def by_log_code(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    """Problems grouped by the log that lists them, in `LOG_ORDER`."""
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.log_code, []).append(problem)
    return {code: groups[code] for code in LOG_ORDER if code in groups}


def render_list(problems: Iterable[Problem], lang: Language = "es") -> str:
    """The `{problems}` placeholder of E1/E3/E4/A1/A2 in one language: one line per
    problem, each with its action, numbered."""
    return "\n".join(
        f"{n}. {p.render(lang)} → {p.render_action(lang)}" for n, p in enumerate(problems, 1)
    )


def problem_list(problems: Iterable[Problem]) -> Bilingual:
    """The `{problems}` placeholder in both languages, for a `LogEntry`'s params: the
    Spanish message lists the problems in Spanish, the English one in English."""
    found = list(problems)
    return Bilingual(es=render_list(found, "es"), en=render_list(found, "en"))
