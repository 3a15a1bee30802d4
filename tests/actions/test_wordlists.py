"""The lists a council extends (late reasons, challenge themes) behave alike: the same words
in other capitals or spacing are the same word, a retired word comes back under its old id,
and bad input is refused by the list's name, the value and why."""

from __future__ import annotations

import pytest

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.locking import ConcurrentChange

LISTS = [
    pytest.param(actions.add_late_reason, actions.retire_late_reason, "late reason", id="reasons"),
    pytest.param(
        actions.add_escalation_theme, actions.retire_escalation_theme, "theme", id="themes"
    ),
]


@pytest.mark.parametrize(("add", "retire", "what"), LISTS)
def test_one_word_once(db, add, retire, what) -> None:
    me = actions.whoami(db)
    new = add(db, me, "  Housing   need ").result
    with pytest.raises(InvalidInput, match=f"^{what} 'HOUSING NEED': already in the list$"):
        add(db, me, "HOUSING NEED")
    retire(db, me, new, expected_version=1)
    with pytest.raises(ConcurrentChange):
        retire(db, me, new, expected_version=1)  # the form showed the older version
    assert add(db, me, "housing need").result == new
    with pytest.raises(InvalidInput, match=f"^{what} '': must be 1 to 200 characters long$"):
        add(db, me, " \t ")
    with pytest.raises(InvalidInput, match="must be 1 to 200"):
        add(db, me, "x" * 201)
    with pytest.raises(InvalidInput, match=f"^{what} 99999: there is no such {what.split()[-1]}$"):
        retire(db, me, 99999, expected_version=1)
