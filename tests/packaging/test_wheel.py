"""The built wheel works on its own: installed into a fresh venv and run from outside the
checkout, it finds its resources and migrations in the installation, not the checkout."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

from tests.packaging.conftest import ROOT, app_env, run

pytestmark = [pytest.mark.packaging, pytest.mark.slow, pytest.mark.timeout(900)]


def test_wheel_carries_resources_and_migrations(wheel_install) -> None:
    names = set(zipfile.ZipFile(wheel_install.wheel).namelist())
    for path in sorted((ROOT / "resources").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(ROOT / "resources").as_posix()
            assert f"reviewdesk_resources/{rel}" in names
    migrations = ROOT / "reviewdesk" / "storage" / "migrations"
    for path in sorted(migrations.rglob("*")) if migrations.is_dir() else []:
        if path.is_file() and "__pycache__" not in path.parts:
            assert path.relative_to(ROOT).as_posix() in names
    assert "ui/launcher.py" in names and "reviewdesk/cli/main.py" in names


def test_installed_code_and_resources_come_from_the_venv(wheel_install) -> None:
    env = app_env(wheel_install.workdir)
    result = run(
        [
            wheel_install.python,
            "-c",
            "import reviewdesk, ui.launcher, reviewdesk.paths as p;"
            "print(reviewdesk.__file__); print(ui.launcher.__file__); print(p.resources_dir())",
        ],
        cwd=wheel_install.workdir,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        assert line.startswith(str(wheel_install.venv)), line
        assert not line.startswith(str(ROOT)), line


def test_smoke_opens_the_window(wheel_install) -> None:
    db = wheel_install.workdir / "smoke.sqlite"
    result = run(
        [wheel_install.script, "--smoke", "--db", db],
        cwd=wheel_install.workdir,
        env=app_env(wheel_install.workdir),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert db.exists()
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"child", "meeting"} <= tables
    if (ROOT / "reviewdesk" / "storage" / "migrations" / "env.py").is_file():
        assert "alembic_version" in tables  # the schema was made by the installed migrations


def test_rules_come_from_the_wheel(wheel_install) -> None:
    result = run(
        [wheel_install.script, "rules"],
        cwd=wheel_install.workdir,
        env=app_env(wheel_install.workdir),
    )
    assert result.returncode == 0, result.stderr
    origin = next(line for line in result.stdout.splitlines() if line.startswith("from: "))
    assert "reviewdesk_resources" in origin and str(wheel_install.venv) in origin
    assert "lac.review.first" in result.stdout


def test_calendar_add(wheel_install) -> None:
    result = run(
        [
            wheel_install.script,
            "--db",
            wheel_install.workdir / "cal.sqlite",
            "calendar",
            "add",
            "2024-03-25",
            "20",
        ],
        cwd=wheel_install.workdir,
        env=app_env(wheel_install.workdir),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "24/04/2024"
    assert "Good Friday" in result.stdout and "Easter Monday" in result.stdout
