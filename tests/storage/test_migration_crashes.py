"""A crash at any SQL statement of a first start or of an upgrade leaves a database that opens.

Each sweep runs `tests.storage.crashsweep` in a process of its own: for every N it forks a
child that SIGKILLs itself just before the N-th SQL statement SQLite starts, then checks the
files left behind and opens the database again as the next start would. Every statement of
every upgrade step is swept (from the oldest revision through the whole shipped chain, from
the revision before the head through the newest step, and through the tests' own extra
migration, which alters a table in batch mode, from the shipped head), so migrations added
later are covered without touching this file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from reviewdesk.storage import migrate

ROOT = Path(__file__).resolve().parents[2]
EXTRA = Path(__file__).parent / "extra_versions"
BAD = Path(__file__).parent / "bad_versions"

pytestmark = [
    pytest.mark.slow,
    # A sweep is some four minutes on a quiet machine, more on a busy one: the suite's
    # 300 s limit would stop it half-way (the sweep's own process is given 1200 s).
    pytest.mark.timeout(1200),
    pytest.mark.skipif(sys.platform == "win32", reason="the sweep forks (POSIX only)"),
]


def _sweep(tmp_path: Path, *args: str) -> dict:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("REVIEWDESK_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.storage.crashsweep", args[0], str(tmp_path / "w"), *args[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _revisions(extra: list[Path]) -> list[str]:
    """Every revision but the head, oldest first."""
    script = ScriptDirectory.from_config(migrate.alembic_config(extra))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))][:-1]


def _check(result: dict, allowed_states: set[str]) -> None:
    crashes = result["crashes"]
    assert result["statements"] >= 10, result  # the sweep really ran the start
    assert len(crashes) == result["statements"]  # one kill before every statement
    problems = [c for c in crashes if c["problems"]]
    assert problems == [], f"{len(problems)} of {len(crashes)} crashes left trouble: {problems[:3]}"
    assert {c["state"] for c in crashes} <= allowed_states
    assert crashes[-1]["state"] in ("after", "empty", "before")


def test_a_first_start_killed_at_any_statement_opens_next_time(tmp_path):
    result = _sweep(tmp_path, "first")
    # Killed before the commit: nothing (or an empty file); after it: the whole schema.
    _check(result, {"absent", "empty", "after"})


#: From the oldest revision, every statement of every step is killed at once; from the one
#: before the head, the newest step alone. (Sweeping from every revision in between repeated
#: the same statements and took a quarter of the suite's time.)
SWEPT_FROM = sorted({_revisions([])[0], _revisions([])[-1]})


@pytest.mark.parametrize("revision", SWEPT_FROM)
def test_each_upgrade_killed_at_any_statement_leaves_the_database_as_it_was(tmp_path, revision):
    result = _sweep(tmp_path, "upgrade", revision)
    # Never half-upgraded: exactly as before (same schema, same rows) or fully upgraded.
    _check(result, {"before", "after"})
    assert sum(c["state"] == "before" for c in result["crashes"]) >= 5


def test_an_added_migration_is_atomic_too(tmp_path):
    # From the shipped head only: the steps before it are swept above, from every revision
    # (sweeping them again on the way to the test migration doubled the suite's time).
    result = _sweep(tmp_path, "upgrade", migrate.head_revision(), str(EXTRA))
    _check(result, {"before", "after"})


def test_the_sweep_finds_a_migration_that_commits_half_way(tmp_path):
    # The sweep itself can fail: a step that commits in its middle (tests/storage/bad_versions)
    # leaves, when killed after that commit, a database neither as it was nor upgraded.
    result = _sweep(tmp_path, "upgrade", migrate.head_revision(), str(BAD))
    half = [c for c in result["crashes"] if c["state"] == "changed"]
    assert half, result
    assert all(c["problems"] for c in half)  # and the next start is worse off each time


#: What a migration must never do to stay inside the one transaction (see `migrate`).
FORBIDDEN = {
    "commits": re.compile(r"\bCOMMIT\b|\.commit\(", re.IGNORECASE),
    "autocommit_block": re.compile(r"autocommit_block"),
    "CONCURRENTLY": re.compile(r"\bCONCURRENTLY\b", re.IGNORECASE),
    "VACUUM": re.compile(r"\bVACUUM\b", re.IGNORECASE),
    "a PRAGMA": re.compile(r"\bPRAGMA\b", re.IGNORECASE),
    "its own engine": re.compile(r"create_engine|\.connect\("),
}


@pytest.mark.parametrize(
    "script",
    sorted((migrate.MIGRATIONS_DIR / "versions").glob("*.py")) + sorted(EXTRA.glob("*.py")),
    ids=lambda p: p.name,
)
def test_no_migration_steps_outside_the_transaction(script):
    code = script.read_text(encoding="utf-8")
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(code)]
    assert found == [], f"{script.name} {', '.join(found)}: see reviewdesk.storage.migrate"
