"""Every change to the data goes through here: one function per action.

Each action takes ``(db, actor, ...plain values...)``, checks the acting user's role against
the identity the system vouches for (`reviewdesk.identity`), validates, applies the change in
one transaction, writes the audit (who, when, which record, values before and after) and
returns `Changes`: which kinds of record and which children changed (or everything), with the
action's own result in ``changes.result``. A role that does not allow the action gets
`Refused` (exit status 2 on the command line) and nothing changes. Nothing else in
`reviewdesk` or `ui` writes to the database (a test reads the code to make sure).

    actor = whoami(db)                      # who the database says this is, and their role
    changes = book_meeting(db, actor, child_id, "lac_review", booking)
    meeting_id = changes.result

Every action is listed in `ACTIONS` (name -> spec with its permission).
"""

from reviewdesk.actions.backups import (
    BackupDone,
    RestoreDone,
    backup_database,
    restore_database,
)
from reviewdesk.actions.base import (
    ACTIONS,
    CALENDAR_KINDS,
    CASE_KINDS,
    PERMISSIONS,
    ROLE_WORDS,
    WORD_LIST_KINDS,
    ActionSpec,
    Actor,
    Changes,
    Permission,
    Refused,
    allowed,
    whoami,
)
from reviewdesk.actions.children import AllocationChange, ChildDetails, allocate, update_child
from reviewdesk.actions.demo import create_demo
from reviewdesk.actions.exports import ExportRecord, document_children, record_export
from reviewdesk.actions.imports import import_903, import_cin
from reviewdesk.actions.invitations import (
    ATTENDANCE,
    NewInvitee,
    Sent,
    add_invitees,
    invitee_from,
    record_attendance,
    remove_invitee,
    send_invitation_letters,
    send_meeting_request,
)
from reviewdesk.actions.meetings import (
    Outcome,
    ReportUpdate,
    book_meeting,
    cancel_meeting,
    record_outcome,
    reschedule_meeting,
    update_report,
    validate_outcome,
)
from reviewdesk.actions.oversight import (
    EscalationUpdate,
    NewContact,
    NewEscalation,
    OversightRights,
    Voice,
    add_escalation_stage,
    add_escalation_theme,
    oversight_rights,
    raise_escalation,
    record_child_voice,
    record_contact,
    record_escalation_response,
    records_for_others,
    remove_contact,
    retire_escalation_theme,
    update_escalation,
)
from reviewdesk.actions.people import (
    PersonForm,
    ProfessionalForm,
    form_of,
    link_professional,
    remove_person,
    save_person,
    save_professional,
    unlink_professional,
)
from reviewdesk.actions.reports_due import (
    NewReport,
    add_reports,
    attach_report_file,
    record_pack_sent,
    remove_report,
    remove_report_file,
    report_from,
    send_report_requests,
)
from reviewdesk.actions.rules import replace_rules, reset_rule, set_rule
from reviewdesk.actions.settings import (
    add_late_reason,
    add_meeting_reason,
    remove_closure_day,
    retire_late_reason,
    retire_meeting_reason,
    save_settings,
    set_closure_day,
)
from reviewdesk.actions.users import (
    UserAdded,
    add_user,
    deactivate_user,
    parse_role,
    reactivate_user,
    set_role,
    set_user_details,
)

__all__ = [
    "ACTIONS",
    "ATTENDANCE",
    "NewInvitee",
    "NewReport",
    "PersonForm",
    "ProfessionalForm",
    "Sent",
    "add_invitees",
    "add_reports",
    "attach_report_file",
    "form_of",
    "invitee_from",
    "report_from",
    "link_professional",
    "record_attendance",
    "record_pack_sent",
    "remove_invitee",
    "remove_person",
    "remove_report",
    "remove_report_file",
    "save_person",
    "save_professional",
    "send_invitation_letters",
    "send_meeting_request",
    "send_report_requests",
    "unlink_professional",
    "AllocationChange",
    "ChildDetails",
    "CALENDAR_KINDS",
    "CASE_KINDS",
    "WORD_LIST_KINDS",
    "PERMISSIONS",
    "ROLE_WORDS",
    "ActionSpec",
    "Actor",
    "BackupDone",
    "Changes",
    "EscalationUpdate",
    "ExportRecord",
    "NewContact",
    "NewEscalation",
    "Outcome",
    "OversightRights",
    "Permission",
    "Refused",
    "ReportUpdate",
    "RestoreDone",
    "UserAdded",
    "Voice",
    "add_escalation_stage",
    "add_escalation_theme",
    "add_late_reason",
    "add_meeting_reason",
    "add_user",
    "allocate",
    "allowed",
    "backup_database",
    "book_meeting",
    "cancel_meeting",
    "create_demo",
    "deactivate_user",
    "document_children",
    "import_903",
    "import_cin",
    "oversight_rights",
    "parse_role",
    "raise_escalation",
    "reactivate_user",
    "record_child_voice",
    "record_contact",
    "record_escalation_response",
    "record_export",
    "records_for_others",
    "record_outcome",
    "remove_closure_day",
    "remove_contact",
    "replace_rules",
    "reschedule_meeting",
    "reset_rule",
    "restore_database",
    "retire_escalation_theme",
    "retire_late_reason",
    "retire_meeting_reason",
    "save_settings",
    "set_closure_day",
    "set_role",
    "set_rule",
    "set_user_details",
    "update_escalation",
    "update_child",
    "update_report",
    "validate_outcome",
    "whoami",
]
