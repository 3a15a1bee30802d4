"""Email drafts (``.eml``) for report requests, built with Python's `email` package.

A draft opens in Outlook (and Thunderbird, Apple Mail) ready to check and send: it carries
``X-Unsent: 1``, which Outlook reads as "a message not yet sent", so it opens in a compose
window rather than as a received message. It is addressed to the report's author, from the
IRO service's mailbox, with the protective marking in the subject (as UK public bodies mark
email) and the council's report request letter as its text. Headers are encoded by the
`email` package, so a name with accents or a line break cannot forge a header.
"""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.letters import Letter
from reviewdesk.invitations.settings_check import is_email


def _address(name: str, email: str) -> Address:
    user, domain = email.strip().rsplit("@", 1)
    return Address(display_name=" ".join(name.split()), username=user, domain=domain)


def request_email(
    letter: Letter, *, sender_name: str, sender_email: str, now: dt.datetime | None = None
) -> bytes:
    """The email draft of a report request letter, as the bytes of an ``.eml`` file."""
    if not is_email(letter.email):
        raise InvalidInput(
            f"{letter.recipient} has no email address; print the request letter instead, or "
            "add their email in the directory. Nothing was made."
        )
    if not is_email(sender_email):
        raise InvalidInput(
            "No address to send the request from: set the IRO service's mailbox (the "
            "invitations_mailbox setting) or give the meeting a clerk with an email address. "
            "Nothing was made."
        )
    assert letter.email is not None
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(sender_name, sender_email)
    message["To"] = _address(letter.recipient, letter.email)
    message["Subject"] = " ".join(letter.subject.split())
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=sender_email.rsplit("@", 1)[1])
    message["X-Unsent"] = "1"
    message["Sensitivity"] = "Company-Confidential"
    message.set_content("\n\n".join(letter.paragraphs) + "\n")
    return message.as_bytes()


__all__ = ["request_email"]
