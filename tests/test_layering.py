"""The house rules of DESIGN.md's Shape, read from the code's own imports.

- `clients/` is the ground floor: it imports nothing of ours.
- `domain/` never imports `handlers/`, `simulators/` or the composition root.
- The pure modules of `domain/` import no pymongo, aiohttp, aio-pika and nothing of `app/`.
- `handlers/` never import the composition root (`app.runtime` included): they take the
  resources they use from app keys.
- Only the composition root (and tests, bench) imports `simulators/`.
- `flows/` (issue 19) may import `domain/`, `clients/` and app plumbing (`app.broker`,
  `app.client_pool`, `app.settings`, `app.storage`'s helpers); never `handlers/`,
  aiohttp's web module, `app.web_keys`, the composition root, `simulators/`, nor a
  collection name from `app.storage`; it holds no `.db[...]` query (the repositories do).
  `domain/` and `clients/` never import `flows/`. No file in `flows/` is over 450 lines.

Imports are read with `ast` (every `import` and `from … import`, also those inside
functions and `TYPE_CHECKING` blocks), so a rule broken anywhere in a file is found.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("app", "clients", "domain", "flows", "handlers", "simulators", "bench", "tests")
COMPOSITION_ROOT = (
    "app.runtime",
    "app.web",
    "app.worker",
    "app.cli",
    "app.sandbox",
    "app.__main__",
)
PURE = (
    "domain/errors/",
    "domain/work.py",
    "domain/personal_data.py",
    "domain/catalog/fields.py",
    "domain/catalog/snapshot.py",
    "domain/catalog/problems.py",
    "domain/catalog/validate.py",
    "domain/catalog/transform.py",
    "domain/catalog/prices.py",
    "domain/catalog/quantity.py",
    "domain/catalog/lots.py",
    "domain/catalog/changes.py",
    "domain/catalog/reconcile.py",
    "domain/orders/machine.py",
    "domain/orders/placement.py",
    "domain/orders/status.py",
    "domain/orders/fields.py",
)
IO_LIBRARIES = ("pymongo", "aiohttp", "aio_pika", "motor", "app")


def imports(path: Path) -> Iterator[str]:
    """Every module name `path` imports (absolute; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module or ""]).strip(".")
            elif node.module:
                yield node.module


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _top(name: str) -> str:
    return name.split(".")[0]


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _violations(folder: str, broken: callable) -> list[str]:  # type: ignore[valid-type]
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(folder)
        for name in imports(path)
        if broken(path, name)
    ]


def test_clients_import_nothing_of_ours() -> None:
    assert (
        _violations("clients", lambda _, name: _top(name) in OURS and _top(name) != "clients") == []
    )


def test_domain_never_imports_handlers_simulators_or_the_composition_root() -> None:
    def broken(_: Path, name: str) -> bool:
        return _top(name) in ("flows", "handlers", "simulators", "bench", "tests") or _under(
            name, COMPOSITION_ROOT
        )

    assert _violations("domain", broken) == []


def test_pure_domain_modules_do_no_io() -> None:
    pure = [
        path
        for path in sources("domain")
        if any(str(path.relative_to(ROOT)).startswith(p) for p in PURE)
    ]
    assert len(pure) >= 5, "the pure modules moved: update PURE"
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in pure
        for name in imports(path)
        if _top(name) in IO_LIBRARIES
    ]
    assert found == []


def test_handlers_take_resources_not_the_runtime() -> None:
    assert _violations("handlers", lambda _, name: _under(name, COMPOSITION_ROOT)) == []


def test_only_the_composition_root_imports_simulators() -> None:
    def broken(path: Path, name: str) -> bool:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        return _top(name) == "simulators" and not _under(module, COMPOSITION_ROOT)

    found = _violations("app", broken) + _violations("domain", broken)
    found += _violations("handlers", broken) + _violations("clients", broken)
    assert found == []


FLOWS_MAY_NOT = ("handlers", "simulators", "bench", "tests", "aiohttp.web", "app.web_keys")


def test_flows_stay_above_domain_and_below_handlers() -> None:
    def broken(_: Path, name: str) -> bool:
        return _under(name, FLOWS_MAY_NOT) or _under(name, COMPOSITION_ROOT)

    assert _violations("flows", broken) == []


def test_flows_name_no_collection_and_query_nothing_themselves() -> None:
    found = []
    for path in sources("flows"):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module == "app.storage":
                found += [
                    f"{path.relative_to(ROOT)} imports {a.name} from app.storage"
                    for a in node.names
                    if a.name.isupper()
                ]
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
                if node.value.attr in ("db", "_db", "database", "background"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} queries .db[...]")
    assert found == []


def test_domain_and_clients_never_import_flows() -> None:
    found = _violations("domain", lambda _, name: _top(name) == "flows")
    found += _violations("clients", lambda _, name: _top(name) == "flows")
    assert found == []


def test_no_flow_module_is_over_450_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in sources("flows")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450
    ]
    assert long == []


@pytest.mark.parametrize("folder", ["app", "clients", "domain", "flows", "handlers"])
def test_the_import_reader_sees_imports(folder: str) -> None:
    """Guard against a reader that finds nothing (and so passes every rule)."""
    assert any(list(imports(path)) for path in sources(folder))
