"""`reviewdesk overrides`: list, set, reset, export and load the council's rules."""

from __future__ import annotations

import tomllib

from sqlalchemy import select

from reviewdesk.cli.main import main
from reviewdesk.settings import working_context
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import User


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_set_list_export_reset_load(tmp_path, capsys) -> None:
    db = str(tmp_path / "cli.sqlite")
    open_database(db).dispose()  # overrides never make a database of their own
    code, out, err = run(
        capsys,
        "--db", db, "overrides", "set", "lac.review.first", "--amount", "15",
        "--source", "IRO service standard, 01/04/2024",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.strip() == "lac.review.first: now 15 working days after became looked after"
    code, out, _ = run(capsys, "--db", db, "overrides", "list", "--changed")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "* lac.review.first: 15 working days  (First review)"
    assert "shipped: 20 working days; Care Planning" in lines[1]
    assert lines[2] == "    council: IRO service standard, 01/04/2024"
    assert lines[3].startswith("    changed by ")
    code, out, _ = run(capsys, "--db", db, "overrides", "list")
    assert "  lac.review.second: 3 months  (Second review)" in out.splitlines()

    exported = tmp_path / "council.toml"
    assert run(capsys, "--db", db, "overrides", "export", str(exported))[0] == 0
    tables = tomllib.loads(exported.read_text(encoding="utf-8"))["rule"]
    assert [(t["id"], t["amount"]) for t in tables] == [("lac.review.first", 15)]

    code, out, _ = run(capsys, "--db", db, "overrides", "reset", "lac.review.first")
    assert code == 0 and "back to the shipped rule, 20 working days" in out
    code, out, _ = run(capsys, "--db", db, "overrides", "load", str(exported))
    assert code == 0 and out.startswith("1 council rules loaded")
    database = open_database(db)
    with database.session() as s:
        assert working_context(s)[0].get("lac.review.first").amount == 15
    database.dispose()


def test_bad_values_and_readers_are_refused(tmp_path, capsys) -> None:
    db = str(tmp_path / "cli.sqlite")
    open_database(db).dispose()
    code, _, err = run(
        capsys, "--db", db, "overrides", "set", "cp.icpc", "--amount", "1500", "--source", "x"
    )
    assert code == 2
    assert 'rule "cp.icpc", field amount: "1500" is not a whole number' in err
    code, _, err = run(
        capsys, "--db", db, "overrides", "set", "cp.minutes", "--sooner-of", "four", "--source", "x"
    )
    assert code == 2 and '--sooner-of: "four"' in err
    code, _, err = run(capsys, "--db", db, "overrides", "set", "cp.icpc", "--amount", "10")
    assert code == 2 and "--source" in err  # a source is required
    code, _, err = run(capsys, "--db", db, "overrides", "reset", "cp.icpc")
    assert code == 2 and "has not changed this rule" in err

    database = open_database(db)  # whoever runs the command line made it: an administrator
    me = database.username
    with database.session() as s:
        s.add(User(username="someone-else", role="administrator"))
        s.scalar(select(User).where(User.username == me)).role = "team_manager"
    database.dispose()
    code, _, err = run(
        capsys, "--db", db, "overrides", "set", "cp.icpc", "--amount", "10", "--source", "x"
    )
    assert code == 2
    assert f"{me} (team manager, read only) cannot change the council's rules" in err
    code, out, _ = run(capsys, "--db", db, "overrides", "export", "-")
    assert code == 0 and "[meta]" in out and "[[rule]]" not in out
