"""The package finds its seed texts and migrations both from a wheel and from an editable
install. Each test installs communique into a fresh virtualenv (dependencies are borrowed from
the running environment, so only communique itself is built) and runs its console script."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT, sql

pytestmark = [pytest.mark.install, pytest.mark.slow]

PROBE = (
    "import communique, communique.resources as r; "
    "print(communique.__file__); print(r.seed_dir()); print(r.migrations_dir());"
    " print(r.schema_page())"
)


def _fresh_venv(where: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(where)
    python = where / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Borrow sqlalchemy, alembic and click from the running environment; the venv's own
    # site-packages stays first on sys.path, so its communique is the one imported.
    (Path(site) / "zz_borrowed_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return python


def _install(python: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def _run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "COMMUNIQUE_DB"}
    return subprocess.run(
        [str(python.parent / "communique"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _loads_the_seed(python: Path, work: Path) -> None:
    seeded = _run(python, "seed", cwd=work)
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout == "1 added, 0 unchanged, 0 failed\n"
    points = _run(python, "points", "--party", "russia", "--format", "jsonl", cwd=work)
    assert len(points.stdout.splitlines()) == 6
    assert sql(work / "communique.db", "SELECT count(*) FROM declaration_points") == [(7,)]


def test_wheel_install_carries_seed_and_migrations(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(dist),
            str(PROJECT_ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("communique-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        links = [i.filename for i in archive.infolist() if (i.external_attr >> 28) == 0xA]
    assert "communique/seed/manifest.toml" in names
    assert "communique/migrations/env.py" in names
    assert "communique/migrations/versions/0001_create_schema.py" in names
    assert not links

    python = _fresh_venv(tmp_path / "venv")
    _install(python, str(wheel))
    module, seed, migrations, schema = subprocess.run(
        [str(python), "-c", PROBE], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.splitlines()
    venv_root = str((tmp_path / "venv").resolve())
    assert module.startswith(venv_root)
    assert seed.startswith(venv_root) and not Path(seed).is_symlink()
    assert migrations.startswith(venv_root) and not Path(migrations).is_symlink()
    assert Path(schema).read_bytes() == (PROJECT_ROOT / "docs" / "schema.md").read_bytes()
    assert "communique/web/plugin/templates/communique_article.html" in names
    _loads_the_seed(python, tmp_path)


def test_editable_install_reaches_the_project_folders(tmp_path: Path) -> None:
    python = _fresh_venv(tmp_path / "venv")
    _install(python, "-e", str(PROJECT_ROOT))
    module, seed, migrations, schema = subprocess.run(
        [str(python), "-c", PROBE], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.splitlines()
    assert Path(schema).resolve() == PROJECT_ROOT / "docs" / "schema.md"
    assert module == str(PROJECT_ROOT / "src" / "communique" / "__init__.py")
    assert Path(seed).resolve() == PROJECT_ROOT / "seed"
    assert Path(migrations).resolve() == PROJECT_ROOT / "migrations"
    _loads_the_seed(python, tmp_path)
