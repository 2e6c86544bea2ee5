"""The error catalogue is complete and is the only source of error texts.

Every entry has Spanish and English (really Spanish: not a copy of the English), the same
placeholders in both, an action for the seller, and a status where it answers a request or
lands in the seller log. A scan of `handlers/` and `domain/` finds no error answer or log
entry whose code the catalogue lacks, and no inline message text in an answer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from domain.errors import CATALOGUE, ErrorEntry
from domain.errors.catalog import PROBLEM_LOG_CODE
from tests.conftest import REPO_ROOT

ROOT = REPO_ROOT
VTEX_CATALOG_CODES = ("S1", "A1", "A2", "A3", "E1", "E2", "E3", "E4", "E5")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_entry_has_both_languages_and_an_action(code: str) -> None:
    item: ErrorEntry = CATALOGUE[code]
    assert item.code == code
    for text in (item.when, item.message, item.action):
        assert text.es.strip() and text.en.strip()
    assert item.message.es != item.message.en, "the Spanish is a copy of the English"
    assert item.action.es != item.action.en, "the Spanish action is a copy of the English"
    assert item.message.placeholders() == {*item.message.placeholders()} and _names(
        item.message.es
    ) == _names(item.message.en)
    if item.flow == "api":
        assert item.http_status is not None
    else:  # a log code, or a problem line listed inside one (E1, E4…)
        assert item.log_status is not None or code in PROBLEM_LOG_CODE


def _names(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_vtex_standard_catalog_codes_are_there() -> None:
    assert set(VTEX_CATALOG_CODES) <= set(CATALOGUE)


def test_render_fills_placeholders_and_refuses_a_missing_one() -> None:
    item = CATALOGUE["unknown_store"]
    assert "'acme'" in item.render("es", account="acme")
    with pytest.raises(KeyError, match="account"):
        item.render("en")


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


SCANNED = [
    path
    for folder in ("handlers", "domain")
    for path in sorted((ROOT / folder).rglob("*.py"))
    if "domain/errors" not in path.as_posix()
]


def test_every_error_answer_and_log_code_is_in_the_catalogue() -> None:
    unknown = []
    for path in SCANNED:
        for call in _calls(path):
            if _name(call) in ("ApiError", "parse_body") and call.args:
                # ApiError(code, …); parse_body(request, parser, code) passes its code on
                first = call.args[0] if _name(call) == "ApiError" else call.args[-1]
                if isinstance(first, ast.Name) and path.name == "common.py":
                    continue  # parse_body's own parameter, checked at its callers
                if not (isinstance(first, ast.Constant) and first.value in CATALOGUE):
                    unknown.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(first)}")
            if _name(call) == "LogEntry":
                for keyword in call.keywords:
                    value = keyword.value
                    if keyword.arg == "code" and isinstance(value, ast.Constant):
                        if value.value not in CATALOGUE:
                            unknown.append(f"{path.relative_to(ROOT)}:{call.lineno} {value.value}")
    assert unknown == []


def test_no_inline_message_texts_in_answers() -> None:
    inline = []
    for path in SCANNED:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value in ("message", "BusinessMessage", "business_message")
                    and isinstance(value, ast.Constant | ast.JoinedStr)
                ):
                    inline.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert inline == []
