"""Files the command line reads that are not plain files are refused by name, never opened:
a named pipe as --db, as a return to import, as a rules file or as a backup to restore hung
the command (opening a pipe waits for a writer). Each command runs in a process of its own
with a time limit, so a hang fails the test instead of stopping the run."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reviewdesk.rules import RULES_FILE_LIMIT

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [sys.executable, "-m", "reviewdesk", *argv],
            cwd=tmp_path,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "XDG_DATA_HOME": str(tmp_path / "xdg"),
                "REVIEWDESK_DB": "",
            },
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reviewdesk {' '.join(argv)} hung")


ABSENT = "{tmp}/absent.sqlite"
COMMANDS = {
    "db-flags": ["--db", "{pipe}", "flags", "--as-of", "2024-05-13"],
    "db-demo": ["--db", "{pipe}", "demo", "--children", "5", "--quiet"],
    "db-users": ["--db", "{pipe}", "users", "list"],
    "db-through-a-link": ["--db", "{link}", "flags", "--as-of", "2024-05-13"],
    "import-cin": ["--db", ABSENT, "import", "cin", "{pipe}", "--dry-run"],
    "import-903": [
        "--db", ABSENT, "import", "903", "--header", "{pipe}", "--episodes", "{pipe}",
        "--reviews", "{pipe}", "--dry-run",
    ],
    "rules": ["rules", "--rules", "{pipe}"],
    "explain": ["explain", "lac.review.first", "2024-03-25", "--rules", "{pipe}"],
    "overrides-load": ["--db", ABSENT, "overrides", "load", "{pipe}"],
    "restore": ["--db", ABSENT, "restore", "{pipe}"],
}  # fmt: skip


@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_named_pipe_to_read_is_refused_by_name(tmp_path, argv):
    pipe = tmp_path / "input.pipe"
    os.mkfifo(pipe)
    (tmp_path / "link.sqlite").symlink_to(pipe)
    filled = [a.format(tmp=tmp_path, pipe=pipe, link=tmp_path / "link.sqlite") for a in argv]
    done = _run(tmp_path, *filled)
    assert done.returncode == 2, done.stderr
    assert "is a named pipe, not a file" in done.stderr and str(pipe.name) in done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    importing = "import" in argv
    lines = done.stderr.splitlines()
    if importing:  # every file a line of its own, then the summary
        assert lines[-1].startswith("reviewdesk: import refused")
    else:
        assert len(lines) == 1, done.stderr
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # still the pipe, not replaced
    assert not (tmp_path / "absent.sqlite").exists()


def test_rules_files_have_a_size_limit(tmp_path):
    """`rules --rules /dev/zero` read for ever, and a huge rules file was read whole into
    memory. A device is refused; a file over the limit (a few MB, the shipped rules are
    16 KB) is refused unread, naming it and the limit; for overrides load too."""
    done = _run(tmp_path, "rules", "--rules", "/dev/zero")
    assert done.returncode == 2
    assert done.stderr == (
        "reviewdesk: error: /dev/zero is a device, not a file; give a file to read\n"
    )
    huge = tmp_path / "council.toml"
    with huge.open("wb") as fh:
        fh.truncate(RULES_FILE_LIMIT + 1)  # sparse: nothing written
    for argv in (
        ["rules", "--rules", str(huge)],
        ["explain", "lac.review.first", "2024-03-25", "--rules", str(huge)],
        ["--db", str(tmp_path / "absent.sqlite"), "overrides", "load", str(huge)],
    ):
        done = _run(tmp_path, *argv)
        assert done.returncode == 2, done.stderr
        assert done.stderr == (
            f"reviewdesk: error: {huge} is larger than 4 MB, the most a rules file may be\n"
        )
    assert not (tmp_path / "absent.sqlite").exists()
