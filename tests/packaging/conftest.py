"""Fixtures for the packaging tests: the built wheel in a fresh venv, and the PyInstaller
bundle. Each is built once per test session, in a temporary folder, never in the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What building must not copy from the checkout.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    ".import_linter_cache",
    "tmp",
)


def run(cmd: list[str | Path], *, cwd: Path, env: dict[str, str], timeout: float = 300):
    """Run a command, its output captured as text; never raises on a non-zero status."""
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def app_env(home: Path) -> dict[str, str]:
    """An environment for running the installed app: offscreen Qt, its own config and data
    folders, and nothing that would let it import the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "REVIEWDESK_DB")}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _check(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise AssertionError(
            f"{what} failed with status {result.returncode}\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
        )


@dataclass(frozen=True)
class WheelInstall:
    wheel: Path
    venv: Path
    python: Path
    script: Path  # the `reviewdesk` console script
    workdir: Path  # a folder outside the checkout to run from


@pytest.fixture(scope="session")
def wheel_install(tmp_path_factory) -> WheelInstall:
    """The project's wheel, built from a copy of the checkout and installed (without its
    dependencies) into a fresh venv that borrows the test interpreter's packages."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    env = dict(os.environ)
    _check(
        run(
            [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", base / "out"],
            cwd=source,
            env=env,
            timeout=600,
        ),
        "pip wheel",
    )
    (wheel,) = (base / "out").glob("reviewdesk-*.whl")

    venv = base / "venv"
    _check(
        run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base, env=env),
        "python -m venv",
    )
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    # `venv --system-site-packages` would borrow the base interpreter's packages, not those of
    # the venv the tests run in; a .pth line per folder borrows the latter. Lines of a .pth
    # are not site folders themselves, so an editable install of the checkout found there
    # (its finder is started by a .pth of its own) stays inactive.
    site = Path(
        run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=base,
            env=env,
        ).stdout.strip()
    )
    borrowed = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz_borrowed_test_packages.pth").write_text("\n".join(borrowed) + "\n")
    _check(
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                python,
                "install",
                "--no-deps",
                "--no-index",
                wheel,
            ],
            cwd=base,
            env=env,
            timeout=300,
        ),
        "pip install wheel",
    )
    workdir = base / "work"
    workdir.mkdir()
    return WheelInstall(wheel, venv, python, bindir / "reviewdesk", workdir)


@dataclass(frozen=True)
class Bundle:
    folder: Path  # dist/reviewdesk
    executable: Path
    internal: Path  # where PyInstaller put the data files (sys._MEIPASS)
    workdir: Path


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Bundle:
    """The one-folder bundle, built by packaging/build.sh into a temporary folder."""
    base = tmp_path_factory.mktemp("bundle")
    env = dict(os.environ)
    env.update(PYTHON=sys.executable, DISTPATH=str(base / "dist"), WORKPATH=str(base / "work"))
    _check(
        run(["bash", ROOT / "packaging" / "build.sh"], cwd=ROOT, env=env, timeout=1500),
        "packaging/build.sh",
    )
    folder = base / "dist" / "reviewdesk"
    executable = folder / ("reviewdesk.exe" if os.name == "nt" else "reviewdesk")
    workdir = base / "run"
    workdir.mkdir()
    return Bundle(folder, executable, folder / "_internal", workdir)
