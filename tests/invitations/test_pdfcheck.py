"""What a received report's file must be before it is kept and merged into packs: refused
when too big, not a PDF, damaged, encrypted, or holding scripts or embedded files."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.pdfcheck import check_report_pdf, sha256_of
from tests.invitations.scenario import report_pdf


def _writer(data: bytes) -> PdfWriter:
    return PdfWriter(clone_from=io.BytesIO(data))


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_plain_pdf_is_accepted_with_its_pages_and_hash() -> None:
    data = report_pdf("Police report", pages=3)
    checked = check_report_pdf(data, name="police.pdf", max_mb=1)
    assert (checked.pages, checked.size, checked.sha256) == (3, len(data), sha256_of(data))


def _encrypted() -> bytes:
    w = _writer(report_pdf("secret"))
    w.encrypt("open sesame")
    return _bytes(w)


def _javascript() -> bytes:
    """Document-level JavaScript: the catalogue's /Names /JavaScript tree."""
    w = _writer(report_pdf("scripted"))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), w._add_object(action)])}
    )
    w._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    return _bytes(w)


def _open_action() -> bytes:
    w = _writer(report_pdf("scripted"))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    w._root_object[NameObject("/OpenAction")] = w._add_object(action)
    return _bytes(w)


def _launch_link() -> bytes:
    w = _writer(report_pdf("launch"))
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("c")}
            ),
        }
    )
    w.pages[0][NameObject("/Annots")] = ArrayObject([w._add_object(annotation)])
    return _bytes(w)


def _embedded_file() -> bytes:
    w = _writer(report_pdf("carrier"))
    w.add_attachment("payload.exe", b"MZ not really")
    return _bytes(w)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: b"PK\x03\x04 a Word document renamed to .pdf", "is not a PDF"),
        (lambda: b"Police report\nwritten in plain text", "is not a PDF"),
        (lambda: report_pdf("cut short")[:400], "is not a readable PDF"),
        (lambda: b"%PDF-1.7\n" + b"\x00" * 2000, "is not a readable PDF"),
        (lambda: b"", "the file is empty"),
        (_encrypted, "is encrypted"),
        (_javascript, "contains JavaScript"),
        (_open_action, "contains JavaScript"),
        (_launch_link, "launches a program"),
        (_embedded_file, "contains embedded files"),
    ],
)
def test_files_reviewdesk_will_not_keep_are_refused_naming_them(make, words) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_report_pdf(make(), name="report.pdf", max_mb=1)
    text = str(refused.value)
    assert text.startswith("report.pdf") and words in text, text


def test_a_file_over_the_limit_is_refused_before_it_is_parsed() -> None:
    big = report_pdf("big") + b"%" + b" " * (1024 * 1024)
    with pytest.raises(InvalidInput, match=r"big.pdf: 1\.0 MB is more than the 1 MB"):
        check_report_pdf(big, name="big.pdf", max_mb=1)
    check_report_pdf(big, name="big.pdf", max_mb=2)  # the setting decides
