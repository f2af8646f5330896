"""A content-stream reader that sees what MuPDF sees: operators with their operands.

A pattern over raw bytes is fooled by what the PDF syntax allows: a name written with `#xx`
escapes (`/X#31 Do` draws `/X1`), a comment or a NUL between operand and operator, a `Do`
inside a string or an inline image's data. Here the stream is split into tokens as a PDF reader
does (strings with their nesting and escapes, hex strings, dictionaries, arrays, inline images
skipped by their data), so the complexity check counts the operators a renderer will run.
"""

import re
import zlib
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
_END_OF_IMAGE = re.compile(rb"EI(?=[\x00\t\n\x0c\r /%\[<(]|$)")
_COMPONENTS = {"G": 1, "DeviceGray": 1, "RGB": 3, "DeviceRGB": 3, "CMYK": 4, "DeviceCMYK": 4}
_INDEXED = ("I", "Indexed")
_MAX_INFLATED = 64 * 1024 * 1024
# Keeps one operand list from growing without bound on a stream of operands and no operator.
_MAX_OPERANDS = 64


@dataclass(slots=True)
class Operation:
    """One operator and what came before it: the names (decoded), numbers and string lengths."""

    operator: bytes
    names: list[str]
    numbers: list[float]
    shown: int  # bytes of string operands (arrays included): glyphs a text operator shows
    # An inline image (`ID`) whose data could not be measured as MuPDF measures it: what
    # follows may be read differently by the renderer, so its reader must not trust the count.
    uncertain: bool = False


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


def _image_dictionary(tokens: list[bytes]) -> dict[str, object]:
    """An inline image's dictionary from its tokens (`/W 10 /H 10 /CS /RGB /F [/AHx /Fl]`)."""
    entries: dict[str, object] = {}
    index = 0
    while index + 1 < len(tokens):
        key = tokens[index]
        if not key.startswith(b"/"):
            index += 1
            continue
        value: object = tokens[index + 1]
        index += 2
        if value == b"[":
            items = []
            while index < len(tokens) and tokens[index] != b"]":
                items.append(tokens[index])
                index += 1
            index += 1
            value = items
        entries[decode_name(key[1:])] = value
    return entries


def _image_data_end(data: bytes, start: int, tokens: list[bytes]) -> int | None:
    """Where MuPDF stops reading an inline image's data: for unfiltered data, width × height
    × components × bits per component; for Flate, ASCIIHex and ASCII85 data, where the encoding
    ends. None where that cannot be told here (other filters, a named colour space)."""
    entries = _image_dictionary(tokens)
    filters = entries.get("F", entries.get("Filter"))
    if isinstance(filters, bytes):
        filters = [filters]
    if filters:
        if len(filters) != 1:
            return None
        name = decode_name(filters[0][1:]) if filters[0].startswith(b"/") else ""
        if name in ("AHx", "ASCIIHexDecode"):
            end = data.find(b">", start)
            return None if end < 0 else end + 1
        if name in ("A85", "ASCII85Decode"):
            end = data.find(b"~>", start)
            return None if end < 0 else end + 2
        if name in ("Fl", "FlateDecode"):
            return _deflated_end(data, start)
        return None
    try:
        width = int(float(entries.get("W", entries.get("Width", b"0"))))
        height = int(float(entries.get("H", entries.get("Height", b"0"))))
        mask = entries.get("IM", entries.get("ImageMask")) == b"true"
        bits = 1 if mask else int(float(entries.get("BPC", entries.get("BitsPerComponent", b"8"))))
    except (TypeError, ValueError):
        return None
    space = entries.get("CS", entries.get("ColorSpace"))
    if mask:
        components = 1
    elif isinstance(space, list):
        components = 1 if space and decode_name(space[0][1:]) in _INDEXED else 0
    elif isinstance(space, bytes) and space.startswith(b"/"):
        components = _COMPONENTS.get(decode_name(space[1:]), 1 if decode_name(space[1:]) in _INDEXED else 0)
    else:
        components = 0
    if not components or width < 0 or height < 0 or bits not in (1, 2, 4, 8, 16):
        return None
    return start + height * ((width * components * bits + 7) // 8)


def _deflated_end(data: bytes, start: int) -> int | None:
    """Where a deflate stream that starts at `start` ends; None if it does not end, or only
    past _MAX_INFLATED bytes of output (a bomb is not inflated here to be measured)."""
    inflate = zlib.decompressobj()
    pending: bytes | memoryview = memoryview(data)[start:]
    produced = 0
    try:
        while len(pending) and not inflate.eof and produced <= _MAX_INFLATED:
            produced += len(inflate.decompress(pending, 1 << 20))
            pending = inflate.unconsumed_tail
    except zlib.error:
        return None
    if not inflate.eof:
        return None
    return len(data) - len(inflate.unused_data)


def operations(data: bytes) -> Iterator[Operation]:
    """Every operator in `data`, in order, with the operands gathered since the one before."""
    names: list[str] = []
    numbers: list[float] = []
    shown = 0
    position = 0
    size = len(data)
    image: list[bytes] | None = None  # an inline image's dictionary, between BI and ID
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
        if image is not None and token != b"ID" and len(image) < 4 * _MAX_OPERANDS:
            image.append(token)
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
            uncertain = False
            if token == b"BI":
                image = []
            elif token == b"ID":  # an inline image: its data is not content to read
                start = position + (2 if data[position : position + 2] == b"\r\n" else 1)
                end_of_data = _image_data_end(data, start, image or [])
                uncertain = end_of_data is None
                # As MuPDF does: past the data, the first `EI` that ends a token.
                end = _END_OF_IMAGE.search(data, start if end_of_data is None else min(end_of_data, size))
                position = size if end is None else end.end()
                image = None
            yield Operation(token, names, numbers, shown, uncertain)
            names, numbers, shown = [], [], 0
