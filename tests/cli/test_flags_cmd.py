"""`reviewdesk flags`: each flag with the child it is about, named."""

from __future__ import annotations

import datetime as dt

from tests.storage.cli_helpers import cli

D = dt.date


def test_flags_name_a_child_whose_case_has_closed(db, db_target, reg, capsys) -> None:
    """`flags` named a child with no case open (a review's decisions overdue after the case
    closed) by their database number, "84 (84)": now by name and local ID."""
    child = reg.child(first="Zainab", last="Muñoz")
    reg.period(child, D(2024, 1, 8), end=D(2024, 4, 12))
    reg.meeting(child, held=D(2024, 4, 5), chair_id=reg.staff())
    assert cli(db_target, "flags", "--as-of", "2024-04-17") == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "Muñoz" in line]
    assert lines and all("Zainab Muñoz (C" in line for line in lines)
