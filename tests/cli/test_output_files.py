"""Every file the command line writes is private (mode 600) whatever the umask, and is
written whole: exports, documents, backups, dumps and rules files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reviewdesk.cli.main import main
from reviewdesk.safefiles import TEMP_SUFFIX

AS_OF = "2025-01-06"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outputs") / "reviewdesk.sqlite"
    assert main(["--db", str(path), "demo", "--children", "20", "--as-of", AS_OF, "--quiet"]) == 0
    return path


OUTPUTS = {
    "schedule.csv": ["export", "schedule", "--as-of", AS_OF, "--format", "csv", "-o"],
    "schedule.xlsx": ["export", "schedule", "--as-of", AS_OF, "--format", "xlsx", "-o"],
    "schedule.ics": ["export", "schedule", "--as-of", AS_OF, "--format", "ics", "-o"],
    "measures.csv": [
        "export", "measures", "--from", "2024-01-01", "--to", "2024-12-31", "--format", "csv",
        "-o",
    ],
    "measures.xlsx": [
        "export", "measures", "--from", "2024-01-01", "--to", "2024-12-31", "--format", "xlsx",
        "-o",
    ],
    "workload.pdf": ["report", "workload", "--as-of", AS_OF, "-o"],
    "weekly.pdf": ["report", "weekly", "--week", AS_OF, "--as-of", AS_OF, "-o"],
    "packs.pdf": ["report", "packs", "--week", AS_OF, "--as-of", AS_OF, "-o"],
    "timeliness.pdf": [
        "report", "timeliness", "--from", "2024-01-01", "--to", "2024-12-31", "--as-of", AS_OF,
        "-o",
    ],
    "copy.sqlite": ["backup"],
    "copy.jsonl": ["backup", "--json"],
    "rules.toml": ["overrides", "export"],
}  # fmt: skip


@pytest.mark.parametrize("mask", [0o022, 0o000])
@pytest.mark.parametrize("name", list(OUTPUTS))
def test_every_output_is_private(demo, tmp_path, monkeypatch, name, mask):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    target = tmp_path / name
    target.write_text("an older file someone could read\n")
    os.chmod(target, 0o666)
    old = os.umask(mask)
    try:
        argv = ["--db", str(demo), *OUTPUTS[name], str(target)]
        if name.startswith("copy."):
            argv.append("--force")
        assert main(argv) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.read_bytes() != b"an older file someone could read\n"
    assert [p.name for p in tmp_path.iterdir() if TEMP_SUFFIX in p.name] == []


@pytest.mark.parametrize(
    ("what", "fmt", "name"),
    [("schedule", "csv", "t.xlsx"), ("schedule", "xlsx", "t.csv"), ("schedule", "ics", "t.csv"),
     ("measures", "xlsx", "t.csv")],
)  # fmt: skip
def test_a_file_name_ending_in_another_format_is_refused(demo, tmp_path, capsys, what, fmt, name):
    """`--format csv -o t.xlsx` wrote comma-separated text into a file Excel would not open
    (exit 0): a name ending in another format's ending is refused, and nothing written."""
    target = tmp_path / name
    argv = ["--db", str(demo), "export", what, "--format", fmt, "-o", str(target)]
    assert main([*argv, *(["--as-of", AS_OF] if what == "schedule" else [])]) == 2
    err = capsys.readouterr().err
    assert f"ends in {target.suffix}, but --format is {fmt}" in err
    assert not target.exists()
