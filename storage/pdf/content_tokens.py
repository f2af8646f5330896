"""A content-stream reader that sees what MuPDF sees: operators with their operands.

A pattern over raw bytes is fooled by what the PDF syntax allows: a name written with `#xx`
escapes (`/X#31 Do` draws `/X1`), a comment or a NUL between operand and operator, a `Do`
inside a string or an inline image's data. Here the stream is split into tokens as a PDF reader
does (strings with their nesting and escapes, hex strings, dictionaries, arrays, inline images
skipped by their data), so the complexity check counts the operators a renderer will run.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Operation", "decode_name", "operations"]

_WHITE = b"\x00\t\n\x0c\r "
_TOKEN = re.compile(
    rb"[\x00\t\n\x0c\r ]+"  # white space, NUL included
    rb"|%[^\r\n]*"  # a comment
    rb"|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*"  # a name
    rb"|<<|>>|\[|\]|\{|\}|\(|<[^>]*>?|\)"
    rb"|[^\x00\t\n\x0c\r ()<>\[\]{}/%]+"  # a number, a keyword or an operator
)
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PAREN = re.compile(rb"[()\\]")
_END_OF_IMAGE = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r /%\[<(]|$)")
# Keeps one operand list from growing without bound on a stream of operands and no operator.
_MAX_OPERANDS = 64


@dataclass(slots=True)
class Operation:
    """One operator and what came before it: the names (decoded), numbers and string lengths."""

    operator: bytes
    names: list[str]
    numbers: list[float]
    shown: int  # bytes of string operands (arrays included): glyphs a text operator shows


def decode_name(raw: bytes) -> str:
    """`/X#31` and `/X1` are one name to a PDF reader; so they are here."""
    return _ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw).decode("latin-1")


def _string_end(data: bytes, start: int) -> int:
    """Where a literal string that opens at `start` (just past its `(`) ends; nesting counts."""
    depth = 1
    position = start
    while depth:
        match = _PAREN.search(data, position)
        if match is None:
            return len(data)
        char = match.group()
        position = match.end()
        if char == b"\\":
            position += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
    return position


def operations(data: bytes) -> Iterator[Operation]:
    """Every operator in `data`, in order, with the operands gathered since the one before."""
    names: list[str] = []
    numbers: list[float] = []
    shown = 0
    position = 0
    size = len(data)
    while position < size:
        match = _TOKEN.match(data, position)
        if match is None:  # a lone delimiter MuPDF would skip
            position += 1
            continue
        token = match.group()
        position = match.end()
        first = token[0]
        if first in _WHITE or first == 0x25:  # white space, comment
            continue
        if first == 0x2F:  # /
            if len(names) < _MAX_OPERANDS:
                names.append(decode_name(token[1:]))
        elif first == 0x28:  # (
            end = _string_end(data, position)
            shown += max(0, end - position - 1)
            position = end
        elif first == 0x3C and token != b"<<":  # <hex>
            shown += sum(1 for char in token[1:-1] if char not in _WHITE) // 2
        elif token in (b"<<", b">>", b"[", b"]", b"{", b"}", b")"):
            continue
        else:
            try:
                if len(numbers) < _MAX_OPERANDS:
                    numbers.append(float(token))
                continue
            except ValueError:
                pass
            if token == b"true" or token == b"false" or token == b"null":
                continue
            if token == b"ID":  # an inline image: its data is not content to read
                end = _END_OF_IMAGE.search(data, position + 1)
                position = size if end is None else end.end()
            yield Operation(token, names, numbers, shown)
            names, numbers, shown = [], [], 0
