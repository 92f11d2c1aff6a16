"""Where the packaged seed texts, migrations and schema page are, however communique was
installed.

A wheel carries them inside the package; an editable install reaches the project's own folders
through symbolic links in the package. Both look the same through importlib.resources.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["migrations_dir", "schema_page", "seed_dir"]


def _package_dir(name: str) -> Path:
    resource = files("communique") / name
    path = Path(str(resource))
    if not path.is_dir():
        raise FileNotFoundError(f"communique is installed without its {name}/ folder ({path})")
    return path


def seed_dir() -> Path:
    return _package_dir("seed")


def migrations_dir() -> Path:
    return _package_dir("migrations")


def schema_page() -> Path:
    """docs/schema.md, which explains every table, view and column: the web view shows the
    same words to people browsing the file, so that there is one explanation to keep."""
    path = Path(str(files("communique") / "schema.md"))
    if not path.is_file():
        raise FileNotFoundError(f"communique is installed without its schema page ({path})")
    return path
