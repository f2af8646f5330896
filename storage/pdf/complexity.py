"""A cheap look at how much work a PDF's pages would cost, before any page is interpreted.

A 2.7 KB file whose page draws a form that draws a form ten times, nine levels deep, asks for a
billion drawings: reading its text ties a worker up for minutes. Here the structure is counted
instead of run: form XObject nesting depth and how many form invocations a page expands to
(each `Do` of a form counts, with everything it draws), content bytes after decompression
(decompressed with a cap, so a deflate bomb is stopped at the cap), object count and image
pixels. Cycles (a form that draws itself) are refused too.
"""

import re
import zlib
from dataclasses import dataclass

import pymupdf

from storage.pdf.shared import ComplexityLimits

__all__ = ["ComplexityLimits", "TooComplex", "check_complexity"]

_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")
_REF = re.compile(r"/([^\s/\[\]()<>{}%]+)\s*(\d+) 0 R")


class TooComplex(Exception):  # noqa: N818 - a refusal reason, raised and caught inside ingest
    """Which limit a file broke: `what` is one of objects, depth, invocations, content, image."""

    def __init__(self, what: str, page: int | None = None):
        super().__init__(what)
        self.what = what
        self.page = page


@dataclass
class _Cost:
    invocations: int
    content: int
    depth: int


class _Counter:
    def __init__(self, doc: pymupdf.Document, limits: ComplexityLimits):
        self.doc = doc
        self.limits = limits
        self.forms: dict[tuple, _Cost] = {}
        self.images: set[int] = set()

    def page(self, number: int) -> None:
        page_xref = self.doc.page_xref(number)
        streams = [self._stream(xref) for xref in self._contents(page_xref)]
        content = sum(len(stream) for stream in streams)
        cost = self._children(self._page_xobjects(page_xref), self._invoked(b"\n".join(streams)), number, ())
        # Annotations' appearances are forms the renderer draws too: each counts as one invocation.
        appearances = {f"ap{xref}": xref for xref in self._appearances(page_xref)}
        shown = self._children(appearances, dict.fromkeys(appearances, 1), number, ())
        cost = _Cost(cost.invocations + shown.invocations, cost.content + shown.content, 0)
        if cost.invocations > self.limits.max_form_invocations:
            raise TooComplex("invocations", number + 1)
        if content + cost.content > self.limits.max_content_bytes:
            raise TooComplex("content", number + 1)

    def _children(self, xobjects: dict[str, int], used: dict[str, int], number: int, path: tuple) -> _Cost:
        total = _Cost(0, 0, 0)
        for name, times in used.items():
            xref = xobjects.get(name)
            if xref is None:
                continue
            subtype = self.doc.xref_get_key(xref, "Subtype")[1]
            if subtype == "/Image":
                self._image(xref, number)
                continue
            if subtype not in ("/Form", "null"):  # an appearance stream need not say it is a form
                continue
            form = self._form(xref, xobjects, number, path)
            total.invocations += times * (1 + form.invocations)
            total.content += times * form.content
            total.depth = max(total.depth, 1 + form.depth)
            if total.invocations > self.limits.max_form_invocations:
                raise TooComplex("invocations", number + 1)
            if total.content > self.limits.max_content_bytes:
                raise TooComplex("content", number + 1)
        return total

    def _form(self, xref: int, outer: dict[str, int], number: int, path: tuple) -> _Cost:
        if xref in path or len(path) >= self.limits.max_form_depth:
            raise TooComplex("depth", number + 1)
        # A form without resources of its own draws with those of whoever invoked it.
        own = self._xobjects(xref)
        key = (xref, None if own is not None else tuple(sorted(outer.items())))
        if key not in self.forms:
            body = self._stream(xref)
            names = own if own is not None else outer
            inner = self._children(names, self._invoked(body), number, (*path, xref))
            self.forms[key] = _Cost(inner.invocations, len(body) + inner.content, inner.depth)
        cost = self.forms[key]
        if len(path) + 1 + cost.depth > self.limits.max_form_depth:
            raise TooComplex("depth", number + 1)
        return cost

    def _image(self, xref: int, number: int) -> None:
        if xref in self.images:
            return
        self.images.add(xref)
        width, height = (_number(self.doc.xref_get_key(xref, key)) for key in ("Width", "Height"))
        if width * height > self.limits.max_image_pixels:
            raise TooComplex("image", number + 1)

    def _contents(self, page_xref: int) -> list[int]:
        kind, value = self.doc.xref_get_key(page_xref, "Contents")
        if kind == "xref":
            xref = int(value.split()[0])
            if not self.doc.xref_is_stream(xref):  # an indirect array of streams
                return [int(ref) for ref in re.findall(r"(\d+) 0 R", self.doc.xref_object(xref))]
            return [xref]
        if kind == "array":
            return [int(ref) for ref in re.findall(r"(\d+) 0 R", value)]
        return []

    def _appearances(self, page_xref: int) -> list[int]:
        """The appearance streams of a page's annotations (/AP /N, one stream or one per state)."""
        kind, value = self.doc.xref_get_key(page_xref, "Annots")
        if kind == "xref":
            value = self.doc.xref_object(int(value.split()[0]), compressed=True)
        elif kind != "array":
            return []
        streams = []
        for annot in (int(ref) for ref in re.findall(r"(\d+) 0 R", value)):
            kind, normal = self.doc.xref_get_key(annot, "AP/N")
            if kind in ("xref", "dict"):
                streams += [int(ref) for ref in re.findall(r"(\d+) 0 R", normal)]
        return [xref for xref in streams if self.doc.xref_is_stream(xref)]

    def _page_xobjects(self, page_xref: int) -> dict[str, int]:
        """A page's XObjects, from the nearest node of the page tree that has resources."""
        xref = page_xref
        for _ in range(64):
            own = self._xobjects(xref)
            if own is not None:
                return own
            kind, parent = self.doc.xref_get_key(xref, "Parent")
            if kind != "xref":
                return {}
            xref = int(parent.split()[0])
        return {}

    def _xobjects(self, xref: int) -> dict[str, int] | None:
        """The XObjects a page or form names itself; None when it has no resources of its own."""
        if self.doc.xref_get_key(xref, "Resources")[0] == "null":
            return None
        kind, value = self.doc.xref_get_key(xref, "Resources/XObject")
        if kind == "xref":
            value = self.doc.xref_object(int(value.split()[0]), compressed=True)
        elif kind != "dict":
            return {}
        return {name: int(ref) for name, ref in _REF.findall(value)}

    @staticmethod
    def _invoked(content: bytes) -> dict[str, int]:
        used: dict[str, int] = {}
        for match in _DO.finditer(content):
            name = match.group(1).decode("latin-1")
            used[name] = used.get(name, 0) + 1
        return used

    def _stream(self, xref: int) -> bytes:
        """A content stream decompressed, but never past the per-page cap (+1 to notice)."""
        if not self.doc.xref_is_stream(xref):
            return b""
        cap = self.limits.max_content_bytes + 1
        filters = self.doc.xref_get_key(xref, "Filter")
        if filters[0] == "null":
            return self.doc.xref_stream_raw(xref)[:cap]
        if filters == ("name", "/FlateDecode") and self.doc.xref_get_key(xref, "DecodeParms")[0] == "null":
            try:
                return zlib.decompressobj().decompress(self.doc.xref_stream_raw(xref), cap)
            except zlib.error:
                return b""  # MuPDF's own reading decides what a damaged stream is
        return (self.doc.xref_stream(xref) or b"")[:cap]


def _number(value: tuple[str, str]) -> int:
    try:
        return int(float(value[1])) if value[0] in ("int", "float") else 0
    except ValueError:
        return 0


def check_complexity(doc: pymupdf.Document, limits: ComplexityLimits) -> None:
    """Raise TooComplex for the first limit a file breaks; cost: one pass over its objects."""
    if doc.xref_length() > limits.max_objects:
        raise TooComplex("objects")
    counter = _Counter(doc, limits)
    for number in range(doc.page_count):
        counter.page(number)
