"""The Linux desktop entry and AppStream metainfo pass their validators and agree."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET

from reviewdesk.paths import APP_ID
from tests.packaging.conftest import ROOT

LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: scripts/setup --test installs it (Debian package)"
    return path


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_desktop_file_validates() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # hints are fine; errors and warnings are not
    assert "error" not in result.stdout.lower() and "warning" not in result.stdout.lower()


def test_metainfo_validates() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--explain", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith(("E:", "W:"))], result.stdout


def test_desktop_entry_runs_the_console_script_and_names_the_icon() -> None:
    entry = _desktop_entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry["Exec"].split()[0] in scripts
    assert entry["Icon"] == APP_ID
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"


def test_metainfo_describes_the_same_application() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.findtext("project_license") == "MIT"
    assert root.find("content_rating").get("type").startswith("oars-")
    assert root.find("provides/binary").text == _desktop_entry()["Exec"].split()[0]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    released = [r.get("version") for r in root.iterfind("releases/release")]
    assert version in released, f"pyproject's version {version} has no <release> entry"


def test_spec_and_install_script_use_the_application_id() -> None:
    spec = (ROOT / "packaging" / "reviewdesk.spec").read_text()
    assert f'APP_ID = "{APP_ID}"' in spec
    assert f"app_id={APP_ID}\n" in (LINUX / "install.sh").read_text()
