"""Letter templates: a language that substitutes and runs nothing; bad templates refused."""

from __future__ import annotations

import pytest

from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.templates import KINDS, check_template, fill, shipped_template


def _values(kind: str, **given: str) -> dict[str, str]:
    return {field: given.get(field, f"<{field}>") for field in KINDS[kind][1]}


def test_the_shipped_templates_use_only_their_fields() -> None:
    for kind in KINDS:
        check_template(kind, shipped_template(kind))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Dear $recipient_name, $password", "$password is not a field of this letter"),
        ("Dear ${child_name.__class__}", "line 1, column 6: a $ must start a field"),
        ("Costs £5 or $ 5", "a $ must start a field"),
        ("   ", "the template is empty"),
        ("x" * 9000, "at most 8,000"),
    ],
)
def test_bad_templates_are_refused_saying_why(text, words) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_template("invitation", text)
    assert words in str(refused.value)


def test_values_are_text_never_templates_or_code() -> None:
    text = "Dear $recipient_name,\n\nAbout $child_name.__class__ and {child_name.__class__}.\n"
    hostile = "$clerk ${today} {0.__class__} <b>bold</b>"
    paragraphs = fill("invitation", text, _values("invitation", recipient_name=hostile))
    assert paragraphs[0] == f"Dear {hostile},"  # substituted once, never expanded again
    # Attribute syntax is not a field: "$child_name" then the literal ".__class__".
    assert paragraphs[1] == "About <child_name>.__class__ and {child_name.__class__}."


def test_optional_notes_with_nothing_to_say_leave_no_gap() -> None:
    text = "Dear $recipient_name,\n\n$interpreter_note\n\n$exclusion_note\n\nYours,\n$clerk"
    values = _values("invitation", interpreter_note="", exclusion_note="", clerk="Chloé")
    assert fill("invitation", text, values) == ["Dear <recipient_name>,", "Yours,\nChloé"]
