"""The documentation as people meet it: every command's help renders cleanly with an example,
the generated command reference matches the commands, links lead somewhere, and the README
stays short enough to read in five minutes."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.cli.reference import REGENERATE, reference

from conftest import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
MARKDOWN = [
    README,
    PROJECT_ROOT / "CHANGELOG.md",
    PROJECT_ROOT / "CONTRIBUTING.md",
    *sorted(DOCS.glob("*.md")),
]
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_CODE = re.compile(r"`[^`\n]*`")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(main), ids=lambda path: " ".join(path) or "main")
def test_help_renders_with_an_example(path: tuple[str, ...]) -> None:
    """click keeps an indented block as written only after a line holding the backspace
    character; a docstring that spells it `\\b` prints a literal backslash and b instead."""
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "\\b" not in result.output
    assert "\b" not in result.output
    assert re.search(r"^ +Example:\n +communique ", result.output, re.M), result.output


def test_reference_matches_the_commands() -> None:
    written = (DOCS / "reference.md").read_text(encoding="utf-8")
    assert written == reference(), (
        f"docs/reference.md differs from the commands' --help; regenerate it: {REGENERATE}"
    )


def _prose(document: Path) -> str:
    """The document without its code, where brackets and parentheses are not links."""
    return _CODE.sub("", _FENCE.sub("", document.read_text(encoding="utf-8")))


def _anchors(document: Path) -> set[str]:
    """The anchors GitHub gives the document's headings."""
    headings = re.findall(r"^#+ (.*)$", _FENCE.sub("", document.read_text(encoding="utf-8")), re.M)
    return {re.sub(r"[^\w\- ]", "", heading).lower().replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("document", MARKDOWN, ids=lambda path: path.name)
def test_relative_links_lead_somewhere(document: Path) -> None:
    """Every link to a file of the project, or to a heading in one, finds it."""
    broken = []
    for target in _LINK.findall(_prose(document)):
        if re.match(r"[a-z]+:", target):
            continue
        name, _, anchor = target.partition("#")
        path = document.parent / name if name else document
        if not path.exists() or (anchor and anchor not in _anchors(path)):
            broken.append(target)
    assert broken == []


def test_every_promise_names_test_files_that_exist() -> None:
    """A promise names the tests that hold it; those tests must be there."""
    text = (DOCS / "promises.md").read_text(encoding="utf-8")
    promises = text.split("\n- ")[1:]
    assert len(promises) >= 14
    for promise in promises:
        named = re.findall(r"tests/[\w/]+\.py", promise)
        assert named, promise.splitlines()[0]
        assert [name for name in named if not (PROJECT_ROOT / name).exists()] == []


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines; move detail into docs/"


def test_schema_page_names_every_table_view_and_column(seeded: Path) -> None:
    """What users write their own SQL against is all on the page, by its real names, as the
    web view reads the page."""
    from communique.web.metadata import parse_schema_page

    connection = sqlite3.connect(seeded)
    try:
        objects = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                " AND name NOT LIKE 'sqlite_%' AND name NOT GLOB '*_fts_*'"
            )
        ]
        actual = {
            name: {row[1] for row in connection.execute(f"PRAGMA table_info('{name}')")}
            for name in objects
        }
    finally:
        connection.close()
    page = parse_schema_page((DOCS / "schema.md").read_text(encoding="utf-8"))
    documented = {name: set(relation.columns) for name, relation in page.relations.items()}
    assert documented == actual


def test_schema_page_queries_run(seeded: Path) -> None:
    text = (DOCS / "schema.md").read_text(encoding="utf-8")
    queries = re.findall(r"^```sql\n(.*?)^```", text, re.S | re.M)
    assert len(queries) >= 14
    connection = sqlite3.connect(f"file:{seeded}?mode=ro", uri=True)
    try:
        for query in queries:
            connection.execute(query).fetchall()
    finally:
        connection.close()


def test_the_topics_page_lists_every_topic_with_its_terms() -> None:
    from quality.topics import topics_doc

    written = (DOCS / "topics.md").read_text(encoding="utf-8")
    assert topics_doc() in written, (
        "docs/topics.md lists other terms than the taxonomy; regenerate its table with"
        " `python tests/quality/topics.py --doc`"
    )
