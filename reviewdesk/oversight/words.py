"""IRO oversight's words, each defined once: the kinds of contact, how a child's views were
gathered, what became of a challenge, and the themes a council starts with.

Pure (no database): the actions check input against these, and the window, the reports and
the command line print them.
"""

from __future__ import annotations

from reviewdesk.codes import StaffRole

#: The themes a council starts with (docs/domain.md, "IRO oversight between meetings"); the
#: council adds its own. Migration 0006 stores the same words.
DEFAULT_THEMES: tuple[str, ...] = (
    "Drift or delay in permanence planning",
    "Placement sufficiency or suitability",
    "Placement stability",
    "Care plan quality",
    "Late or missing reports",
    "Recommendations not implemented",
    "Health",
    "Education",
    "Contact",
    "Other",
)

#: How an IRO was in touch between reviews.
CONTACT_KINDS: dict[str, str] = {
    "visit": "Visit",
    "call": "Phone or video call",
    "message": "Message",
    "meeting": "Meeting",
}

#: How the child's views were gathered for a review (`ChildVoice` columns).
VOICE_METHODS: dict[str, str] = {
    "by_form": "Consultation form",
    "by_advocate": "Advocate",
    "direct": "Directly with the IRO",
    "by_app": "App (e.g. Mind Of My Own)",
}

#: Whether the consultation came back.
CONSULTATION: dict[str, str] = {
    "not_sent": "Not sent",
    "not_returned": "Sent, not returned",
    "returned": "Returned",
}

#: What became of a challenge.
OUTCOMES: dict[str, str] = {
    "resolved": "Resolved",
    "partly_resolved": "Partly resolved",
    "not_resolved": "Not resolved",
    "withdrawn": "Withdrawn",
}

#: Who raises challenges: IROs and child protection conference chairs.
RAISER_ROLES = frozenset({StaffRole.IRO.value, StaffRole.CP_CHAIR.value})

#: Participation codes (SSDA903) for a child who physically attended the review: the review
#: itself was then IRO contact with the child.
ATTENDED_REVIEW = frozenset({"PN1", "PN2", "PN3", "PN4"})

#: The free-text limit on notes, concerns, answers and impact.
TEXT_LIMIT = 4000


def ends_plan(outcome: str | None) -> bool:
    """Whether a conference outcome ends a child protection plan ("Plan ended", or words
    starting so, as typed into the recording dialog)."""
    return bool(outcome) and outcome.strip().casefold().startswith("plan ended")


def starts_plan(outcome: str | None) -> bool:
    """Whether a conference outcome starts a child protection plan ("Plan made", or words
    starting so)."""
    return bool(outcome) and outcome.strip().casefold().startswith("plan made")


def consultation_label(code: str | None) -> str:
    return CONSULTATION.get(code or "", "Not recorded")


def methods_text(methods: dict[str, bool]) -> str:
    """'Consultation form, Advocate' (or 'Not recorded')."""
    named = [label for key, label in VOICE_METHODS.items() if methods.get(key)]
    return ", ".join(named) or "Not recorded"


__all__ = [
    "ATTENDED_REVIEW",
    "CONSULTATION",
    "CONTACT_KINDS",
    "DEFAULT_THEMES",
    "OUTCOMES",
    "RAISER_ROLES",
    "TEXT_LIMIT",
    "VOICE_METHODS",
    "consultation_label",
    "ends_plan",
    "starts_plan",
    "methods_text",
]
