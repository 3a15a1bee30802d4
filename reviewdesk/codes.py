"""Codes used across reviewdesk: DfE return codes and our own meeting vocabulary.

The statutory codes follow the DfE's SSDA903 and CIN census specifications (docs/domain.md,
"Codes");
each mapping gives the code and the words a person reads.
"""

from __future__ import annotations

from enum import StrEnum

LEGAL_STATUS: dict[str, str] = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks, single placements",
    "V4": "Accommodated under an agreed series of short-term breaks, multiple placements",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Child assessment order, in local authority accommodation",
    "J1": "Remanded to local authority accommodation or youth detention",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Youth rehabilitation order with residence or intensive fostering requirement",
}
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})

PARTICIPATION: dict[str, str] = {
    "PN0": "Child aged under 4 at the time of the review",
    "PN1": "Child physically attends and speaks for themselves",
    "PN2": "Child physically attends; an advocate speaks on their behalf",
    "PN3": "Child attends and conveys their views symbolically (non-verbally)",
    "PN4": "Child physically attends but does not speak or convey their views",
    "PN5": "Child does not attend but briefs an advocate or the IRO to speak for them",
    "PN6": "Child does not attend but conveys their views by a facilitative medium",
    "PN7": "Child does not attend, nor are their views conveyed to the review",
}

CP_CATEGORY: dict[str, str] = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "EMO": "Emotional abuse",
    "SAB": "Sexual abuse",
    "MUL": "Multiple",
}

#: What a meeting held may decide, by process: the recording dialog's list and the only
#: outcomes `record_outcome` takes. A CP conference's decides the child's plan ("Plan made"
#: starts one, "Plan ended" ends it: `reviewdesk.oversight.words`), so it is chosen from
#: these, never typed: "Plan endd" typed was saved and ended nothing.
MEETING_OUTCOMES: dict[str, tuple[str, ...]] = {
    "lac": ("Care plan endorsed", "Care plan changed", "Recommendations made"),
    "cp": ("Plan made", "Plan continued", "Plan ended", "No plan needed"),
}

REASON_NEW_EPISODE: dict[str, str] = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement (but same carer(s)) only",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (but same carer(s)) at the same time",
}

#: 903 REC "episode ceases, new episode begins in same period of care".
REC_CONTINUES = "X1"


class Process(StrEnum):
    LAC = "lac"
    CP = "cp"


class MeetingType(StrEnum):
    """Meeting types: LAC reviews and the CP conference types councils count (docs/domain.md)."""

    LAC_REVIEW = "lac_review"
    ICPC = "icpc"
    ICPC_PREBIRTH = "icpc_prebirth"
    ICPC_TRANSFER_IN = "icpc_transfer_in"
    ICPC_RECONVENED = "icpc_reconvened"
    RCPC_FIRST = "rcpc_first"
    RCPC_SUBSEQUENT = "rcpc_subsequent"

    @property
    def process(self) -> Process:
        return Process.LAC if self is MeetingType.LAC_REVIEW else Process.CP

    @property
    def label(self) -> str:
        return MEETING_TYPE_LABEL[self]

    @property
    def is_initial_conference(self) -> bool:
        return self in INITIAL_CONFERENCES


MEETING_TYPE_LABEL: dict[MeetingType, str] = {
    MeetingType.LAC_REVIEW: "LAC review",
    MeetingType.ICPC: "Initial",
    MeetingType.ICPC_PREBIRTH: "Initial pre-birth",
    MeetingType.ICPC_TRANSFER_IN: "Initial receiving-in",
    MeetingType.ICPC_RECONVENED: "Initial re-convened",
    MeetingType.RCPC_FIRST: "1st review",
    MeetingType.RCPC_SUBSEQUENT: "Subsequent review",
}

INITIAL_CONFERENCES = frozenset(
    {
        MeetingType.ICPC,
        MeetingType.ICPC_PREBIRTH,
        MeetingType.ICPC_TRANSFER_IN,
        MeetingType.ICPC_RECONVENED,
    }
)
REVIEW_CONFERENCES = frozenset({MeetingType.RCPC_FIRST, MeetingType.RCPC_SUBSEQUENT})


class MeetingStatus(StrEnum):
    BOOKED = "booked"
    HELD = "held"
    CANCELLED = "cancelled"
    ADJOURNED = "adjourned"
    STOOD_DOWN = "stood_down"


#: Reasons meetings ran late, as councils report them (docs/domain.md). Users may add more.
DEFAULT_LATE_REASONS: tuple[str, ...] = (
    "Not quorate",
    "S47 start date entered wrongly",
    "Room unavailable",
    "Clerk unavailable",
    "IRO or chair unavailable",
    "Miscalculation of the review date",
    "Poor or late invite list",
    "Social worker unavailable",
    "Late notification that the child became looked after",
    "Data entered late or wrongly",
)


class ReasonKind(StrEnum):
    """The lists of reasons a meeting is called off or moved (`DEFAULT_MEETING_REASONS`)."""

    CANCEL = "cancel"
    RESCHEDULE = "reschedule"


#: Why meetings are cancelled or moved: reviewdesk's starting lists (no national list
#: exists); administrators add their own and retire any, as with the late reasons.
DEFAULT_MEETING_REASONS: dict[ReasonKind, tuple[str, ...]] = {
    ReasonKind.CANCEL: (
        "Child no longer looked after",
        "Child protection plan ended",
        "Child moved to another authority",
        "Conference no longer needed",
        "Booked in error",
        "Duplicate booking",
    ),
    ReasonKind.RESCHEDULE: (
        "IRO or chair unavailable",
        "Social worker unavailable",
        "Family unable to attend",
        "Child unable to attend",
        "Room unavailable",
        "Interpreter unavailable",
        "Reports not ready",
        "Key agency unable to attend",
        "Brought forward: circumstances changed",
    ),
}


class Role(StrEnum):
    """What a user may do: administrators everything, IROs record outcomes, managers read."""

    ADMINISTRATOR = "administrator"
    IRO = "iro"
    TEAM_MANAGER = "team_manager"


class StaffRole(StrEnum):
    IRO = "iro"
    CP_CHAIR = "cp_chair"
    SOCIAL_WORKER = "social_worker"
    TEAM_MANAGER = "team_manager"
    CLERK = "clerk"
    SERVICE_MANAGER = "service_manager"


#: CIN census ReasonForClosure: why an episode of need closed.
REASON_FOR_CLOSURE: dict[str, str] = {
    "RC1": "adopted",
    "RC2": "died",
    "RC3": "child arrangements order",
    "RC4": "special guardianship order",
    "RC5": "transferred to services of another local authority",
    "RC6": "transferred to adult social care services",
    "RC7": "services ceased for any other reason, including the child no longer in need",
    "RC8": "case closed after assessment, no further action",
    "RC9": "case closed after assessment, referred to early help",
}


# --- people, invitations and reports ----------------------------------------------------------

#: Agencies a report is due from, or a professional works for (the words a person reads).
AGENCY: dict[str, str] = {
    "social_worker": "Social worker",
    "social_care": "Children's social care",
    "police": "Police",
    "health": "Health",
    "health_visitor": "Health visitor",
    "school_nurse": "School nurse",
    "midwifery": "Midwifery",
    "gp": "GP",
    "school": "School",
    "virtual_school": "Virtual school",
    "early_years": "Early years",
    "mental_health": "Mental health",
    "probation": "Probation",
    "housing": "Housing",
    "youth_justice": "Youth justice",
    "advocacy": "Advocacy",
    "other": "Other",
}

#: Who someone in a child's family and network is to the child.
RELATIONSHIP: dict[str, str] = {
    "mother": "Mother",
    "father": "Father",
    "parent": "Parent",
    "step_parent": "Step-parent",
    "grandparent": "Grandparent",
    "aunt_uncle": "Aunt or uncle",
    "sibling": "Brother or sister",
    "foster_carer": "Foster carer",
    "kinship_carer": "Kinship carer",
    "residential_carer": "Residential carer",
    "special_guardian": "Special guardian",
    "advocate": "Advocate",
    "friend": "Family friend",
    "other": "Other",
}

#: How someone prefers to be contacted.
CONTACT_BY: dict[str, str] = {
    "letter": "Letter",
    "email": "Email",
    "phone": "Phone",
    "text": "Text message",
}

#: Whether an invitee came to the meeting (`reviewdesk.actions.record_attendance`), in words.
ATTENDANCE_WORDS: dict[str, str] = {
    "attended": "Attended",
    "apologies": "Sent apologies",
    "absent": "Did not attend",
}

#: How a pack reached someone.
PACK_DELIVERY: dict[str, str] = {
    "secure_email": "Secure email",
    "email": "Email",
    "post": "Post",
    "by_hand": "By hand",
    "collected": "Collected",
}


def agency_label(code: str | None) -> str:
    """An agency code in words ("gp" reads "GP"); an unknown code as it is."""
    if not code:
        return "Agency not recorded"
    return AGENCY.get(code, code.replace("_", " ").capitalize())
