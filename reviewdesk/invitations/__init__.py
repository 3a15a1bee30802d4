"""Invitations, report requests and what goes into the pack: the core, with no Qt.

- `invite_rules`: who must be invited to each type of meeting and which reports are due, as
  data (``resources/rules/invitations.toml``, each rule with its source).
- `proposal`: the invitation list and reports proposed for a meeting from those rules and
  the child's people; `report_due`, a report's deadline from the timescale rules.
- `requests` and `itip`: the Outlook meeting request (RFC 5546: REQUEST, updates with a
  higher SEQUENCE, CANCEL), one stable UID per meeting.
- `templates` (a template language that runs no code), `letters` and `emails`: invitation
  letters for families, report requests as letters or ``.eml`` drafts.
- `chase`: reports due within N working days and not received, by author and agency.
- `pdfcheck`: whether a received report's PDF may be kept and merged into a pack.
- `details`: what the window and the command line show.

Every change (people, the directory, invitees, reports, files, what was sent) is an action
in `reviewdesk.actions`.
"""
