"""The layout's rules, read from the source: imports run one way, cli → load/read/inputs →
extract/db → errors/resources, with no loops, and SQLAlchemy and Alembic stay with the schema.

Every import counts, those inside functions (which keep start-up light) and those for type
checking alike: each says which way the code depends.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "communique"

ALLOWED = {
    "cli": {"cli", "load", "read", "inputs", "extract", "db", "errors", "resources", "version"},
    "web": {"web", "read", "db", "errors", "resources"},
    "load": {"load", "inputs", "extract", "db", "errors", "resources"},
    "read": {"read", "extract", "db", "errors", "resources"},
    "inputs": {"inputs", "extract", "errors", "resources"},
    "extract": {"extract", "errors"},
    "db": {"db", "errors", "resources"},
    "errors": set(),
    "resources": set(),
    "__main__": {"cli"},
    "__init__": set(),
}
"""Which parts of communique each part may import."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Every module `path` imports, absolute, wherever the import stands. `from package
    import module` imports that module (the package is only where it lives)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            submodules = [f"{node.module}.{alias.name}" for alias in node.names]
            found = [name for name in submodules if name in modules]
            yield from found or [node.module]


def _part(module: str) -> str:
    """The part of communique a module belongs to: its subpackage, or the top module."""
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _internal(imported: str, modules: dict[str, Path]) -> str | None:
    """The communique module an import names, or None for anything else (a name imported
    from a module is not a module)."""
    if imported == "communique":
        return None
    return imported if imported in modules else None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        module: {
            found
            for imported in _imports(path, modules)
            if (found := _internal(imported, modules)) is not None and found != module
        }
        for module, path in modules.items()
    }


def test_the_layout_has_the_parts_it_documents() -> None:
    parts = {_part(module) for module in _modules()}
    assert parts == set(ALLOWED) - {"version"}


@pytest.mark.parametrize("module", sorted(_modules()))
def test_imports_run_one_way(module: str) -> None:
    allowed = ALLOWED[_part(module)] | {_part(module)}
    wrong = sorted(imported for imported in _graph()[module] if _part(imported) not in allowed)
    assert wrong == [], f"{module} ({_part(module)}) may not import {wrong}"


def test_the_version_is_the_only_thing_taken_from_the_package_itself() -> None:
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "communique":
                names = [alias.name for alias in node.names]
                assert names == ["__version__"], f"{module} imports {names} from communique"


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from `start` back to itself, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        module, path = stack.pop()
        for imported in graph[module]:
            if imported == start:
                return [*path, start]
            if imported not in seen:
                seen.add(imported)
                stack.append((imported, [*path, imported]))
    return None


def test_no_module_imports_itself_through_others() -> None:
    graph = _graph()
    loops = {module: cycle for module in graph if (cycle := _cycle_from(module, graph)) is not None}
    assert loops == {}


def test_extraction_never_reads_the_environment() -> None:
    """The user's vocabularies come to extraction as one value the command built from its
    options; a module under extract/ reading the environment would be a second way in."""
    readers = {
        module
        for module, path in _modules().items()
        if _part(module) == "extract"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"))
        or (isinstance(node, ast.Name) and node.id in ("environ", "getenv"))
        or (isinstance(node, ast.alias) and node.name in ("environ", "getenv"))
    }
    assert readers == set()


def test_one_look_up_says_which_texts_are_stored() -> None:
    """Whether a text is stored already is asked before extracting (by the workers and by
    the writer) and again as it is written: one function, database.stored_documents, answers
    all three, so they cannot disagree on what "stored" means."""
    asking = {
        module: text.count("FROM documents WHERE sha256")
        for module, path in _modules().items()
        if "FROM documents WHERE sha256" in (text := path.read_text(encoding="utf-8"))
    }
    assert asking == {"communique.db.database": 1}


def test_sqlalchemy_and_alembic_stay_with_the_schema() -> None:
    """The models and the migrations are written with SQLAlchemy and Alembic; everything
    else, loads, reparse and forget included, reads and writes through the standard
    library's sqlite3 (one way of writing)."""
    modules = _modules()
    users = {
        module
        for module, path in modules.items()
        if any(
            imported.split(".")[0] in ("sqlalchemy", "alembic")
            for imported in _imports(path, modules)
        )
    }
    schema = {"communique.db.models", "communique.db.migrate"}
    assert {module for module in users if not module.startswith("communique.migrations")} == schema
