"""A small XML reader that keeps line numbers, so errors can say where in the file they are.

`xml.etree` forgets where elements were; expat knows. Namespaces are dropped (elements are
matched by their local name: councils' files differ in whether they declare one). A DOCTYPE is
refused: a census file never has one, and refusing it rules out entity tricks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from reviewdesk.importers.csvread import binary_kind, decode_text


@dataclass
class Node:
    tag: str
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

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


def _parse(data: bytes | str) -> Node:
    parser = expat.ParserCreate(namespace_separator=" ")
    root: list[Node] = []
    stack: list[Node] = []

    def start(name: str, _attrs: dict[str, str]) -> None:
        node = Node(name.rsplit(" ", 1)[-1], parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].parts.append(text)

    def doctype(*_args: object) -> None:
        raise XmlProblem("the file has a DOCTYPE declaration, which a CIN census file never has")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = doctype
    parser.Parse(data, True)
    return root[0]


def read_xml(path: str | Path) -> Node:
    """The document's root element; XmlProblem (with a line, when known) if it is not XML."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise XmlProblem(f"file not found: {path}") from None
    except IsADirectoryError:
        raise XmlProblem(f"this is a folder, not a file: {path}") from None
    except OSError as exc:
        raise XmlProblem(f"cannot read the file: {exc.strerror or exc}") from None
    if not data.strip():
        raise XmlProblem("the file is empty")
    kind = binary_kind(data)
    if kind:
        raise XmlProblem(f"this is {kind}, not an XML file")
    try:
        return _parse(data)
    except expat.ExpatError as exc:
        if exc.code == expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
            text, encoding = decode_text(data)
            if encoding not in ("utf-8", "utf-16"):
                # Text saved by a Windows program (é as byte 0xE9) with no encoding declared.
                try:
                    return _parse(text)
                except expat.ExpatError as again:
                    exc = again
        message = expat.errors.messages.get(exc.code, str(exc)) if exc.code else str(exc)
        raise XmlProblem(
            f"not well-formed XML: {message} (at character {exc.offset + 1} of the line)",
            exc.lineno,
        ) from None
