"""Letter templates a council can edit, in a template language that runs no code.

A template is plain text with ``$field`` (or ``${field}``) placeholders, Python's
`string.Template` syntax: substitution only, no expressions, no attribute or item access, no
loops, nothing to execute (``str.format`` would allow ``{x.__class__}``; Jinja-style
engines run code). ``$$`` is a dollar sign. A template may use only the fields listed for its
kind; anything else is refused when the template is saved, naming the field, so a letter
never goes out with a hole in it. Paragraphs are separated by blank lines; a paragraph that
is empty once filled in (an optional note with nothing to say) is left out.

The council's own templates are kept in the ``letter_templates`` setting (kind -> text); a
kind without one uses the template shipped in ``resources/letters``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache

from reviewdesk.errors import InvalidInput
from reviewdesk.paths import resource

#: The most characters a template may hold.
MAX_TEMPLATE = 8000

_COMMON = {
    "recipient_name": "who the letter is to",
    "child_name": "the child's full name",
    "child_first_name": "the child's first name",
    "child_reference": "the child's ID in the register",
    "meeting": "the meeting, e.g. initial child protection conference",
    "date": "the meeting's date, e.g. Wednesday 24 April 2024",
    "time": "its start time, e.g. 10:00",
    "end_time": "its end time",
    "times": "its start and end times, e.g. 10:00 to 11:30 (or that it is to be confirmed)",
    "venue": "the room and venue, with the address",
    "chair": "the chair",
    "clerk": "the clerk (or the IRO service)",
    "clerk_phone": "the clerk's phone number (with none, 'on $clerk_phone' is left out)",
    "contact_email": "the email address to reply to",
    "council_name": "the council's name",
    "today": "the date of the letter",
}

#: What each kind of letter is, and the fields it may use (with what each holds).
KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "invitation": (
        "Invitation letter to the family",
        {
            **_COMMON,
            "interpreter_note": "a sentence about the interpreter booked, if one is needed",
            "access_note": "a sentence about access needs, if any",
            "exclusion_note": "a sentence if the person is excluded from part of the meeting",
        },
    ),
    "report_request": (
        "Report request to a professional",
        {
            **_COMMON,
            "report_title": "which report, e.g. Agency's report to the conference",
            "due_date": "the report's deadline, with the weekday",
            "deadline_rule": "the rule that sets the deadline, in words",
        },
    ),
}


@cache
def shipped_template(kind: str) -> str:
    """The template reviewdesk ships for ``kind`` (``resources/letters/<kind>.txt``)."""
    if kind not in KINDS:
        raise InvalidInput(f"letter: {kind!r} is not a kind of letter ({', '.join(KINDS)})")
    return resource("letters", f"{kind}.txt").read_text(encoding="utf-8")


def check_template(kind: str, text: str) -> str:
    """The template to store (trailing space trimmed), or InvalidInput naming the problem:
    a placeholder this kind of letter does not have, a lone ``$``, or too long."""
    if kind not in KINDS:
        raise InvalidInput(f"letter: {kind!r} is not a kind of letter ({', '.join(KINDS)})")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(f"{KINDS[kind][0]}: the template is empty")
    if len(text) > MAX_TEMPLATE:
        raise InvalidInput(
            f"{KINDS[kind][0]}: the template has {len(text):,} characters; at most {MAX_TEMPLATE:,}"
        )
    template = string.Template(text)
    if not template.is_valid():
        line, column = _bad_dollar(text)
        raise InvalidInput(
            f"{KINDS[kind][0]}, line {line}, column {column}: a $ must start a field such "
            "as $child_name (write $$ for a dollar sign)"
        )
    fields = KINDS[kind][1]
    for name in template.get_identifiers():
        if name not in fields:
            raise InvalidInput(
                f"{KINDS[kind][0]}: ${name} is not a field of this letter (fields: "
                f"{', '.join('$' + f for f in fields)})"
            )
    return text.rstrip() + "\n"


def _bad_dollar(text: str) -> tuple[int, int]:
    """Line and column (from 1) of the first $ that starts no field."""
    pattern = string.Template.pattern
    for match in pattern.finditer(text):
        if match.group("invalid") is not None:
            start = match.start("invalid") - 1  # the $ itself
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            return line, column
    return 1, 1


def template_for(kind: str, stored: Mapping[str, str] | None) -> str:
    """The council's template for ``kind`` if it has one, else the shipped one."""
    text = (stored or {}).get(kind)
    return text if isinstance(text, str) and text.strip() else shipped_template(kind)


def fill(kind: str, text: str, values: Mapping[str, str]) -> list[str]:
    """The letter's paragraphs: ``text`` checked, every field filled in with its value as
    plain text (never read as a template or markup), empty paragraphs left out."""
    checked = check_template(kind, text)
    fields = KINDS[kind][1]
    missing = sorted(set(fields) - set(values))
    if missing:  # a programming error, not a person's: every field must have a value
        raise KeyError(f"letter {kind}: no value for {', '.join(missing)}")
    filled = string.Template(checked).substitute({k: str(values[k]) for k in fields})
    paragraphs = []
    for block in filled.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.split("\n")]
        lines = [line for line in lines if line.strip()]
        if lines:  # a paragraph starts with a capital ("the IRO service" signing a letter)
            lines[0] = lines[0][:1].upper() + lines[0][1:]
            paragraphs.append("\n".join(lines))
    return paragraphs


__all__ = ["KINDS", "MAX_TEMPLATE", "check_template", "fill", "shipped_template", "template_for"]
