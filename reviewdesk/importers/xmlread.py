"""Reading a large XML file as a stream, keeping line numbers so errors can say where they are.

`xml.etree` forgets where elements were; expat knows. Namespaces are dropped (elements are
matched by their local name: councils' files differ in whether they declare one). The file
is fed to expat a chunk at a time and handed over one record at a time (`stream_xml`: a
census's ``Child`` elements), each dropped once handled, so memory stays small whatever the
file's size. Safe with hostile files as defusedxml is: a DOCTYPE is refused (a census file
never has one), and with it every entity declaration, external entity and "billion laughs";
parameter entities are never read; an element's text, a record's size and the number of
different element names are capped.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from reviewdesk.errors import InvalidInput
from reviewdesk.importers.csvread import binary_kind, detect_encoding
from reviewdesk.safefiles import check_input

_CHUNK = 1 << 16
#: Longest text kept for one element (a date or a code is a few characters).
MAX_TEXT = 10_000
#: Most elements in one record (a child with every module filled in has a few hundred).
MAX_RECORD_NODES = 100_000
#: Most different element paths counted; beyond, they are counted together.
MAX_PATHS = 500
OTHER_PATHS = "(other elements)"

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass
class Node:
    tag: str
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    #: Characters of text dropped beyond `MAX_TEXT`.
    cut: int = 0

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str) -> Iterator[Node]:
        for c in self.children:
            if c.tag == tag:
                yield c
            yield from c.iter(tag)


class XmlProblem(Exception):
    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


class Stop(Exception):  # noqa: N818 - not an error: the reader was told to stop
    """Raised by a handler to stop reading (the file is refused; its reason is recorded)."""


@dataclass
class StreamHandler:
    """What `stream_xml` calls: ``root(node)`` when the root element opens (raise to
    refuse the file at once), ``record(node, parent_tag)`` for each record (an element
    named in ``records`` whose parent is ``parent``), ``kept(node)`` for each other
    element below the root that ends (headers: small)."""

    records: str
    parent: str
    root: Callable[[Node], None]
    record: Callable[[Node], None]
    kept: Callable[[Node], None]
    #: Element path (local names from the root, "/"-joined) -> how many there were.
    paths: Counter[str] = field(default_factory=Counter)


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED.match(head)
    return match.group(1).decode("ascii").lower() if match else None


def _chunks(path: Path, transcode: bool) -> Iterator[bytes]:
    """The file's bytes a chunk at a time; Windows-1252 text turned into UTF-8 on the way
    (a census saved by a Windows program with no encoding declared)."""
    with path.open("rb") as fh:
        if not transcode:
            while chunk := fh.read(_CHUNK):
                yield chunk
            return
        decoder = codecs.getincrementaldecoder("cp1252")(errors="replace")
        while chunk := fh.read(_CHUNK):
            yield decoder.decode(chunk).encode("utf-8")
        yield decoder.decode(b"", final=True).encode("utf-8")


def _open(path: Path) -> tuple[bytes, bool]:
    """The file's first bytes and whether to read it as Windows-1252; XmlProblem if it
    cannot be read or is plainly not XML."""
    try:
        check_input(path)  # before opening it: a named pipe would wait for ever
    except InvalidInput as exc:
        raise XmlProblem(str(exc)) from None
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise XmlProblem(f"file not found: {path}") from None
    except OSError as exc:
        raise XmlProblem(f"cannot read the file: {exc.strerror or exc}") from None
    if not head.strip():
        raise XmlProblem("the file is empty")
    kind = binary_kind(head)
    if kind:
        raise XmlProblem(f"this is {kind}, not an XML file")
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text[:1].isalnum() or text[:1] in b"\"',;":
        # Text that is not markup at all (a 903 CSV, say): "not well-formed XML: syntax
        # error" said nothing a person could act on.
        first = text.split(b"\n", 1)[0][:60].decode("utf-8", "replace").strip()
        looks = " (it looks like a CSV file)" if "," in first else ""
        raise XmlProblem(
            f'not an XML file{looks}: a CIN census return is XML, beginning "<"; this file '
            f'begins "{first}"',
            1,
        )
    declared = _declared_encoding(head)
    transcode = declared in (None, "utf-8", "utf8") and detect_encoding(path) in (
        "cp1252",
        "latin-1",
    )
    return head, transcode


def stream_xml(path: str | Path, handler: StreamHandler) -> None:
    """Read the file, calling ``handler`` as elements end (see `StreamHandler`). Raises
    XmlProblem (with a line, when known) if it is not well-formed XML or is hostile, and
    returns quietly if a handler raised `Stop`."""
    path = Path(path)
    _head, transcode = _open(path)
    parser = expat.ParserCreate(encoding="UTF-8" if transcode else None, namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    names: list[str] = []
    paths = handler.paths
    size = [0]  # elements in the record being read

    def start(name: str, _attrs: dict[str, str]) -> None:
        tag = name.rsplit(" ", 1)[-1]
        node = Node(tag, parser.CurrentLineNumber)
        names.append(tag)
        key = "/".join(names)
        if key in paths or len(paths) < MAX_PATHS:
            paths[key] += 1
        else:
            paths[OTHER_PATHS] += 1
        if not stack:
            stack.append(node)
            handler.root(node)
            return
        size[0] += 1
        if size[0] > MAX_RECORD_NODES:
            record = stack[1].tag if len(stack) > 1 else tag
            raise XmlProblem(
                f"more than {MAX_RECORD_NODES:,} elements in one <{record}> element: this is "
                "not a census file a council would send",
                parser.CurrentLineNumber,
            )
        stack[-1].children.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        node = stack.pop()
        names.pop()
        if not stack:
            return
        parent = stack[-1]
        if node.tag == handler.records and parent.tag == handler.parent:
            parent.children.pop()
            size[0] = 0
            handler.record(node)
        elif len(stack) == 1:
            # A direct child of the root that is not a record holder's content (the header).
            handler.kept(node)
            if node.tag != handler.parent:
                size[0] = 0

    def chars(text: str) -> None:
        if not stack:
            return
        node = stack[-1]
        room = MAX_TEXT - sum(len(p) for p in node.parts) if node.parts else MAX_TEXT
        if len(text) > room:
            node.cut += len(text) - max(room, 0)
            text = text[: max(room, 0)]
        if text:
            node.parts.append(text)

    def refuse_doctype(*_args: object) -> None:
        raise XmlProblem(
            "the file has a DOCTYPE declaration, which a census file never has",
            parser.CurrentLineNumber,
        )

    def refuse_entity(*_args: object) -> None:
        raise XmlProblem("the file declares entities, which a census file never does")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_entity  # type: ignore[assignment]
    try:
        for chunk in _chunks(path, transcode):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except Stop:
        return
    except expat.ExpatError as exc:
        message = expat.errors.messages.get(exc.code, str(exc)) if exc.code else str(exc)
        raise XmlProblem(
            f"not well-formed XML: {message} (at character {exc.offset + 1} of the line)",
            exc.lineno,
        ) from None
