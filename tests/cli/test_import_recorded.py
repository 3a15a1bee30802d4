"""`reviewdesk import` never silently removes work recorded here, on SQLite and PostgreSQL.

A corrected return that lacks a held review with work recorded here (docs/domain.md,
"Importing the returns") stops the import: exit status 3, each such meeting named on stderr,
how to go on, no traceback, nothing changed. `--dry-run` lists them as what it would remove;
`--remove-recorded` lets the import go ahead.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reviewdesk.storage.models import Invitee, Meeting
from tests.importers.test_recorded_work import A1_JULY, contents
from tests.importers.test_ssda903 import REVIEWS, files
from tests.storage.cli_helpers import cli


def _import(db_target: str, paths, *options: str) -> int:
    header, episodes, reviews = paths
    return cli(
        db_target,
        "import",
        "903",
        "--header",
        str(header),
        "--episodes",
        str(episodes),
        "--reviews",
        str(reviews),
        *options,
    )


def test_an_import_that_would_remove_recorded_work_stops_until_told(
    db, db_target, cli_admin, tmp_path, capsys
) -> None:
    assert _import(db_target, files(tmp_path / "first")) == 0
    with db.session() as s:
        review = s.scalars(select(Meeting).where(Meeting.held_date == dt.date(2023, 7, 20))).one()
        review_id = review.id
        s.add(
            Invitee(meeting_id=review_id, name="Siân Jones", role="Mother", attendance="apologies")
        )
    capsys.readouterr()
    before = contents(db)
    corrected = files(tmp_path / "corrected", reviews=REVIEWS.replace(A1_JULY, ""))

    assert _import(db_target, corrected) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "reviewdesk: import stopped: it would remove 1 held meeting with work recorded here, "
        "which the return lacks; nothing was changed",
        "  A1: LAC review 2 held 20/07/2023 (1 invitee, attendance)",
        "If the return is wrong, correct it in the case management system and import it "
        "again. To remove it, with all that was recorded for it (each removal is kept in "
        "the audit trail), run the same import again with --remove-recorded.",
    ]
    assert "Traceback" not in err and "Error" not in err
    assert contents(db) == before

    assert _import(db_target, corrected, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Would remove 1 meeting with work recorded here (the return lacks them):\n" in out
    assert "  A1: LAC review 2 held 20/07/2023 (1 invitee, attendance)\n" in out
    assert contents(db) == before

    assert _import(db_target, corrected, "--remove-recorded") == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "Import complete."
    assert (
        "Removed 1 meeting with work recorded here, as agreed (each is in the audit trail):\n"
        in out
    )
    with db.session() as s:
        assert s.get(Meeting, review_id) is None
        assert s.scalars(select(Invitee)).all() == []
