"""The README's promises that can drift from the code."""

from app.cli import build_parser
from app.settings import ENV_VARS
from tests.conftest import REPO_ROOT

ROOT = REPO_ROOT


def test_readme_documents_every_variable_and_command() -> None:
    readme = (ROOT / "README.md").read_text()
    for var in ENV_VARS:
        assert f"`{var.name}`" in readme, var.name
    subcommands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in subcommands:
        assert f"`{name}" in readme, name


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [
        line.split("#")[0].strip() for line in quick_start.splitlines() if line.startswith("make ")
    ]
    assert commands == ["make serve", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
