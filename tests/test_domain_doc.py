"""docs/domain.md, the project's own account of its domain: the rules and modules it names
exist, and nothing in the repository cites documents outside it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "domain.md"


def test_every_rule_the_document_names_is_a_rule() -> None:
    rules = tomllib.loads((ROOT / "resources" / "rules" / "england.toml").read_text("utf-8"))
    ids = {rule["id"] for rule in rules["rule"]}
    named = set(re.findall(r"`((?:lac|cp)\.[a-z0-9_.]+)`", DOC.read_text("utf-8")))
    assert named and named <= ids, named - ids


def test_every_file_the_document_names_exists() -> None:
    named = set(re.findall(r"`((?:reviewdesk|resources|ui)/[\w/.]*)`", DOC.read_text("utf-8")))
    assert named
    missing = [n for n in sorted(named) if not (ROOT / n).exists()]
    assert missing == []


def test_every_source_cited_is_listed() -> None:
    text = DOC.read_text("utf-8")
    body, _, sources = text.partition("## Sources")
    cited = set(re.findall(r"\[([A-Z0-9]+(?:-[A-Z0-9]+)?)(?:[,\]])", body))
    listed = set(re.findall(r"\*\*\[([A-Z0-9-]+)\]\*\*", sources))
    assert cited and cited <= listed, cited - listed


#: Citations of documents that are not in the repository (a reader could not follow them).
OUTSIDE = re.compile(r"DOMAIN\.md|council papers?\b|seeds/|\b00[0-9] L\d+|/work/shared")


def test_nothing_cites_documents_outside_the_repository() -> None:
    found = []
    for folder in ("reviewdesk", "ui", "tests", "resources", "docs", "scripts", "packaging"):
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix not in {".py", ".md", ".toml", ".txt", ""}:
                continue
            if path == Path(__file__):
                continue
            for n, line in enumerate(path.read_text("utf-8", errors="ignore").splitlines(), 1):
                if OUTSIDE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []
