"""Is this file a report reviewdesk may keep and print into a pack?

A received report is attached as a PDF and later merged page by page into the pack that the
family and every agency receive, so it is checked before it is stored:

- not too big (the ``attachment_max_mb`` setting), checked before the file is read;
- a real PDF: it starts with ``%PDF-`` and pypdf can read its pages (a renamed Word file,
  an image or a damaged download is refused, whatever its name ends in);
- not encrypted (a password-protected PDF cannot be merged or read by the chair);
- nothing active inside: no JavaScript, no actions that launch programs, submit forms or
  import data, no embedded or attached files, no rich media. The pack goes out to families
  and agencies, so it must not carry anything that runs or hides another file. Such a report
  is refused rather than silently cleaned, so the sender can be asked for a plain PDF
  ("print to PDF" makes one).

Every refusal is one line naming the file and why; nothing is stored. The hash (SHA-256) of
what was stored is kept with it, and checked again when a pack is printed.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from dataclasses import dataclass
from typing import Any

from reviewdesk.errors import InvalidInput
from reviewdesk.safefiles import read_input_bytes

PDF_MAGIC = b"%PDF-"
#: The most objects read when looking for active content (a bound on hostile files).
MAX_OBJECTS = 200_000
MAX_PAGES = 2_000

#: Dictionary keys that mean something in the PDF runs, launches or hides a file.
ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/Launch": "an action that launches a program",
    "/SubmitForm": "a form that sends data",
    "/ImportData": "an action that imports data",
    "/EmbeddedFile": "an embedded file",
    "/EmbeddedFiles": "embedded files",
    "/FileAttachment": "an attached file",
    "/RichMedia": "embedded media",
    "/XFA": "an XFA form (which can hold scripts)",
}
#: Action types (``/S``) that are refused wherever they appear.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that launches a program",
    "/SubmitForm": "a form that sends data",
    "/ImportData": "an action that imports data",
    "/GoToE": "a link into an embedded file",
    "/RichMediaExecute": "embedded media",
}


@dataclass(frozen=True)
class CheckedPdf:
    size: int
    pages: int
    sha256: str


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def too_big(size: int, max_mb: int) -> bool:
    return size > max_mb * 1024 * 1024


def size_refusal(name: str, size: int, max_mb: int) -> InvalidInput:
    return InvalidInput(
        f"{name}: {size / (1024 * 1024):.1f} MB is more than the {max_mb} MB a report may be "
        "(the attachment_max_mb setting); nothing was attached"
    )


def read_report_file(path: str | os.PathLike[str], *, max_mb: int) -> bytes:
    """The bytes of the file a person chose as a report: a plain file only (a folder, a
    named pipe, a device or a socket is refused by name: reading a pipe would wait for
    ever) and no more than ``max_mb`` (the attachment_max_mb setting), refused before it is
    read; else InvalidInput naming the file. The window and the command line both read it
    so."""
    shown = os.fspath(path)
    name = os.path.basename(shown)
    try:
        return read_input_bytes(
            path,
            limit=max_mb * 1024 * 1024,
            what="report",
            too_big=lambda size: size_refusal(name, size, max_mb),
        )
    except FileNotFoundError:
        raise InvalidInput(f"{shown}: no such file; nothing was attached") from None
    except OSError as exc:
        raise InvalidInput(
            f"{shown}: cannot read it ({exc.strerror or exc}); nothing was attached"
        ) from None


def check_report_pdf(data: bytes, *, name: str, max_mb: int) -> CheckedPdf:
    """``data`` checked as a report's PDF (see the module), or InvalidInput naming ``name``."""
    if too_big(len(data), max_mb):
        raise size_refusal(name, len(data), max_mb)
    if not data:
        raise InvalidInput(f"{name}: the file is empty; nothing was attached")
    if PDF_MAGIC not in data[:1024]:
        raise InvalidInput(
            f"{name} is not a PDF (it does not start as one, whatever its name); attach the "
            "report as a PDF. Nothing was attached."
        )
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise InvalidInput(
                f"{name} is encrypted (password-protected); ask the sender for an unprotected "
                "copy. Nothing was attached."
            )
        pages = len(reader.pages)
        if pages == 0:
            raise InvalidInput(f"{name}: the PDF has no pages; nothing was attached")
        if pages > MAX_PAGES:
            raise InvalidInput(f"{name}: {pages:,} pages is more than {MAX_PAGES:,}")
        for page in reader.pages:  # every page must be readable to be merged into a pack
            page.mediabox  # noqa: B018 - reading it is the check
        found = _active_content(reader)
    except InvalidInput:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
        AssertionError,
        NotImplementedError,
    ) as exc:
        logging.getLogger(__name__).info("unreadable PDF %s: %s", name, exc)
        raise InvalidInput(
            f"{name} is not a readable PDF (it is damaged or not really a PDF); nothing was "
            "attached"
        ) from None
    if found:
        raise InvalidInput(
            f"{name} contains {found}, which reviewdesk does not put in packs that go to "
            "families and agencies; ask the sender for a plain PDF (print it to PDF). "
            "Nothing was attached."
        )
    return CheckedPdf(len(data), pages, sha256_of(data))


def _active_content(reader: Any) -> str | None:
    """What active content the PDF holds (the first found), walking every object reachable
    from its trailer; None if there is none."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return "more objects than reviewdesk reads"
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in ACTIVE_KEYS:
                    return ACTIVE_KEYS[key]
                if key == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    return ACTIVE_ACTIONS[value]
                if key == "/Subtype" and isinstance(value, NameObject) and value in ACTIVE_KEYS:
                    return ACTIVE_KEYS[value]
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


__all__ = ["CheckedPdf", "check_report_pdf", "sha256_of", "size_refusal", "too_big"]
