"""A cheap look at how much work a PDF's pages would cost, before any page is interpreted.

A 2.7 KB file whose page draws a form that draws a form ten times, nine levels deep, asks for a
billion drawings: reading its text ties a worker up for minutes. Here the structure is counted
instead of run: form XObject nesting depth and how many form invocations a page expands to
(each `Do` of a form counts, with everything it draws), content bytes after decompression
(decompressed with a cap, so a deflate bomb is stopped at the cap), object count and image
pixels. Cycles (a form that draws itself) are refused too.

Content streams are read with a tokenizer (storage/pdf/content_tokens.py), never a byte pattern,
so an escaped name, a comment or a NUL hides nothing. What else a renderer runs is walked the
same way: the glyph procedures of Type 3 fonts (each glyph shown runs its procedure) and the
cells of tiling patterns. A pattern's cell is drawn once per step over the area it fills, so a
0.02 pt cell over an A4 page is a billion drawings: cells are counted from the area painted
(path bounds under the current matrix, clipped to the page, form or cell box) and the step.
"""

import math
import re
import zlib
from dataclasses import dataclass
from functools import cached_property

import pymupdf

from storage.pdf import geometry
from storage.pdf.content_tokens import decode_name, operations
from storage.pdf.shared import ComplexityLimits

__all__ = ["ComplexityLimits", "TooComplex", "check_complexity"]

_REF = re.compile(r"/([^\s/\[\]()<>{}%]+)\s*(\d+) 0 R")
_PAINT = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s"}
_SHOW = {b"Tj", b"TJ", b"'", b'"'}
_PATH = {b"m", b"l", b"c", b"v", b"y", b"re"}


class TooComplex(Exception):  # noqa: N818 - a refusal reason, raised and caught inside ingest
    """Which limit a file broke: `what` is one of objects, depth, invocations, content, image, cells."""

    def __init__(self, what: str, page: int | None = None):
        super().__init__(what)
        self.what = what
        self.page = page


@dataclass
class _Cost:
    invocations: int = 0
    content: int = 0
    depth: int = 0
    cells: int = 0

    def add(self, other: "_Cost", times: int = 1, invocation: int = 0) -> None:
        self.invocations += times * (invocation + other.invocations)
        self.content += times * other.content
        self.cells += times * other.cells
        self.depth = max(self.depth, other.depth + (1 if invocation else 0))


@dataclass
class _Resources:
    xobjects: dict[str, int]
    fonts: dict[str, int]
    patterns: dict[str, int]

    @cached_property
    def key(self) -> tuple:
        return tuple(tuple(sorted(names.items())) for names in (self.xobjects, self.fonts, self.patterns))


class _Counter:
    def __init__(self, doc: pymupdf.Document, limits: ComplexityLimits):
        self.doc = doc
        self.limits = limits
        self.costs: dict[tuple, _Cost] = {}
        self.images: set[int] = set()
        self.kinds: dict[tuple[int, str], str] = {}
        self.tokenized = 0  # content bytes read operator by operator, across the document
        self.pages: dict[tuple, _Cost] = {}
        self.number = 0

    def page(self, number: int) -> None:
        self.number = number
        page_xref = self.doc.page_xref(number)
        contents = tuple(self._contents(page_xref))
        resources = self._page_resources(page_xref)
        box = geometry.read_box(self.doc.xref_get_key(page_xref, "MediaBox")) or geometry.inherited_box(
            self.doc, page_xref
        )
        # Pages that share their content and resources cost the same: read them once (a file
        # whose 500 pages all point at one large stream would otherwise be read 500 times).
        key = (contents, resources.key, box)
        if key not in self.pages:
            body = b"\n".join(self._stream(xref) for xref in contents)
            cost = _Cost(content=len(body))
            self._check(cost)
            cost.add(self._body(body, resources, box, ()))
            self.pages[key] = cost
        cost = _Cost()
        cost.add(self.pages[key])
        # Annotations' appearances are forms the renderer draws too: each counts as one invocation.
        for xref in self._appearances(page_xref):
            cost.add(self._form(xref, resources, ()), invocation=1)
            self._check(cost)
        self._check(cost)

    def _check(self, cost: _Cost) -> None:
        if cost.invocations > self.limits.max_form_invocations:
            raise TooComplex("invocations", self.number + 1)
        if cost.content > self.limits.max_content_bytes:
            raise TooComplex("content", self.number + 1)
        if cost.cells > self.limits.max_pattern_cells:
            raise TooComplex("cells", self.number + 1)

    def _enter(self, xref: int, path: tuple) -> tuple:
        if xref in path or len(path) >= self.limits.max_form_depth:
            raise TooComplex("depth", self.number + 1)
        return (*path, xref)

    def _cached(self, xref: int, outer: _Resources, path: tuple, work) -> _Cost:
        """The cost of one form, glyph procedure or cell, computed once per set of resources."""
        own = self._resources(xref)
        key = (xref, None if own is not None else outer.key)
        if key not in self.costs:
            self.costs[key] = work(own if own is not None else outer, self._enter(xref, path))
        cost = self.costs[key]
        if len(path) + 1 + cost.depth > self.limits.max_form_depth:
            raise TooComplex("depth", self.number + 1)
        return cost

    def _form(self, xref: int, outer: _Resources, path: tuple) -> _Cost:
        # A form without resources of its own draws with those of whoever invoked it.
        def work(resources: _Resources, inner: tuple) -> _Cost:
            body = self._stream(xref)
            box = geometry.read_box(self.doc.xref_get_key(xref, "BBox"))
            cost = _Cost(content=len(body))
            cost.add(self._body(body, resources, box, inner))
            return cost

        return self._cached(xref, outer, path, work)

    def _glyphs(self, font: int, outer: _Resources, path: tuple) -> _Cost:
        """What one glyph of a Type 3 font may cost: its costliest glyph procedure."""
        if self._kind(font, "Subtype") != "/Type3":
            return _Cost()
        box = geometry.read_box(self.doc.xref_get_key(font, "FontBBox"))

        def work(resources: _Resources, inner: tuple) -> _Cost:
            worst = _Cost()
            for procedure in self._dictionary(font, "CharProcs").values():
                body = self._stream(procedure)
                cost = _Cost(content=len(body))
                cost.add(self._body(body, resources, box, inner))
                worst = _Cost(
                    max(worst.invocations, cost.invocations),
                    max(worst.content, cost.content),
                    max(worst.depth, cost.depth),
                    max(worst.cells, cost.cells),
                )
            return worst

        return self._cached(font, outer, path, work)

    def _cell(self, pattern: int, outer: _Resources, path: tuple) -> tuple[float, _Cost] | None:
        """A tiling pattern's cell area (in the space it is used in) and the cost of one cell."""
        if self._kind(pattern, "PatternType") != "1" or not self.doc.xref_is_stream(pattern):
            return None
        steps = [abs(geometry.read_number(self.doc.xref_get_key(pattern, key))) for key in ("XStep", "YStep")]
        matrix = geometry.read_numbers(self.doc.xref_get_key(pattern, "Matrix"), 6) or geometry.IDENTITY
        area = steps[0] * steps[1] * abs(matrix[0] * matrix[3] - matrix[1] * matrix[2])

        def work(resources: _Resources, inner: tuple) -> _Cost:
            body = self._stream(pattern)
            cost = _Cost(content=len(body))
            cost.add(
                self._body(body, resources, geometry.read_box(self.doc.xref_get_key(pattern, "BBox")), inner)
            )
            return cost

        return area, self._cached(pattern, outer, path, work)

    def _body(self, body: bytes, resources: _Resources, box: tuple | None, path: tuple) -> _Cost:
        """What running one content stream costs, beyond its own bytes."""
        total = _Cost()
        forms, fonts, tiling = self._costly_resources(body, resources)
        if not forms and not fonts and not tiling:
            return total
        if not path and not tiling:
            bound = self._bound(body, forms, fonts, resources)
            if bound is not None:
                return bound
        self.tokenized += len(body)
        if self.tokenized > self.limits.max_tokenized_bytes:
            raise TooComplex("content", self.number + 1)
        clip = geometry.MAX_AREA if box is None else (box[2] - box[0]) * (box[3] - box[1])
        matrix, font, fill, stroke = geometry.IDENTITY, None, None, None
        saved: list[tuple] = []
        bounds: list[float] | None = None
        uncertain = False
        for operation in operations(body):
            operator = operation.operator
            uncertain = uncertain or operation.uncertain
            if operator in _PATH:
                bounds = geometry.extend(bounds, operation.numbers, matrix, operator)
            elif operator in _PAINT:
                area = clip if bounds is None else geometry.clipped_area(bounds, box)
                stroked = operator in (b"S", b"s", b"B", b"B*", b"b", b"b*")
                for pattern in (None if operator in (b"S", b"s") else fill, stroke if stroked else None):
                    if pattern is not None:
                        self._tile(total, pattern, area, resources, path)
                bounds = None
            elif operator == b"n":
                bounds = None
            elif operator == b"Do":
                for name in operation.names:
                    self._do(total, resources.xobjects.get(name), resources, path)
            elif operator in _SHOW:
                if font is not None:
                    total.add(self._glyphs(font, resources, path), times=operation.shown)
                if fill is not None:
                    self._tile(total, fill, clip, resources, path)
            elif operator == b"Tf":
                font = next((resources.fonts[n] for n in operation.names if n in resources.fonts), None)
            elif operator in (b"scn", b"SCN"):
                named = resources.patterns
                chosen = next((named[n] for n in operation.names if n in named), None)
                if operator == b"scn":
                    fill = chosen
                else:
                    stroke = chosen
            elif operator in (b"rg", b"g", b"k", b"sc", b"cs"):
                fill = None
            elif operator in (b"RG", b"G", b"K", b"SC", b"CS"):
                stroke = None
            elif operator == b"cm" and len(operation.numbers) >= 6:
                matrix = geometry.multiply(tuple(operation.numbers[-6:]), matrix)
            elif operator == b"q" and len(saved) < 256:
                saved.append((matrix, font, fill, stroke))
            elif operator == b"Q" and saved:
                matrix, font, fill, stroke = saved.pop()
            self._check(total)
        if uncertain:
            # An inline image whose data we could not measure as MuPDF does: what we read after
            # it may not be what it runs. Take the bound from the bytes, and refuse a tiling
            # pattern outright (its cells cannot be bounded from bytes).
            estimate = self._estimate(body, forms, fonts, resources, path)
            total = _Cost(
                max(total.invocations, estimate.invocations),
                max(total.content, estimate.content),
                max(total.depth, estimate.depth),
                max(total.cells, estimate.cells),
            )
            if tiling:
                raise TooComplex("cells", self.number + 1)
            self._check(total)
        return total

    def _costly_resources(self, body: bytes, resources: _Resources) -> tuple[list[int], list[int], bool]:
        """What running `body` could cost more than its bytes for: the forms it may draw, its
        Type 3 fonts, and whether it names a tiling pattern. Most pages name only fonts and
        images, and are not tokenized; an image they name is checked whether drawn or not.
        Operators cannot be escaped, so a stream without the bytes `Do` draws no XObject."""
        forms = []
        if b"Do" in body:
            for xref in resources.xobjects.values():
                subtype = self._kind(xref, "Subtype")
                if subtype == "/Image":
                    self._image(xref)
                elif subtype == "/Form":
                    forms.append(xref)
        tiling = False
        if resources.patterns and (b"scn" in body or b"SCN" in body):
            tiling = any(self._kind(xref, "PatternType") == "1" for xref in resources.patterns.values())
        fonts = [xref for xref in resources.fonts.values() if self._kind(xref, "Subtype") == "/Type3"]
        return forms, fonts, tiling

    def _bound(self, body: bytes, forms: list[int], fonts: list[int], resources: _Resources) -> _Cost | None:
        """A page costed without tokenizing it: at most one `Do` per occurrence of those bytes,
        each drawing its costliest form, and at most one glyph per byte, each running its font's
        costliest glyph procedure. None when that bound is past a limit, and the page must be
        read to count what it really draws. (Only for a page: a form's cost is multiplied by its
        invokers, so a loose bound there would add up.)"""
        bound = self._estimate(body, forms, fonts, resources, ())
        limits = self.limits
        if (
            bound.invocations > limits.max_form_invocations
            or len(body) + bound.content > limits.max_content_bytes
            or bound.cells > limits.max_pattern_cells
        ):
            return None
        return bound

    def _estimate(
        self, body: bytes, forms: list[int], fonts: list[int], resources: _Resources, path: tuple
    ) -> _Cost:
        """At most what `body` draws through forms and Type 3 glyphs, counted from its bytes."""
        costs = [(body.count(b"Do"), self._form(xref, resources, path), 1) for xref in forms]
        costs += [(len(body), self._glyphs(xref, resources, path), 0) for xref in fonts]
        bound = _Cost()
        for times, cost, invocation in costs:
            bound.invocations = max(bound.invocations, times * (invocation + cost.invocations))
            bound.content = max(bound.content, times * cost.content)
            bound.depth = max(bound.depth, invocation + cost.depth)
            bound.cells = max(bound.cells, times * cost.cells)
        # Forms and glyphs may share the page: the two worst cases together bound it.
        if forms and fonts:
            bound = _Cost(2 * bound.invocations, 2 * bound.content, bound.depth, 2 * bound.cells)
        return bound

    def _kind(self, xref: int, key: str) -> str:
        """One name or number of an object, looked up once per check."""
        if (xref, key) not in self.kinds:
            self.kinds[xref, key] = self.doc.xref_get_key(xref, key)[1]
        return self.kinds[xref, key]

    def _do(self, total: _Cost, xref: int | None, resources: _Resources, path: tuple) -> None:
        if xref is None:
            return
        subtype = self._kind(xref, "Subtype")
        if subtype == "/Image":
            self._image(xref)
        elif subtype == "/Form":
            total.add(self._form(xref, resources, path), invocation=1)

    def _tile(self, total: _Cost, pattern: int, area: float, resources: _Resources, path: tuple) -> None:
        cell = self._cell(pattern, resources, path)
        if cell is None:
            return
        cell_area, cost = cell
        cells = self.limits.max_pattern_cells + 1 if cell_area <= 0 else math.ceil(area / cell_area)
        total.cells += min(cells, self.limits.max_pattern_cells + 1) * (1 + cost.invocations + cost.cells)
        total.content += cost.content
        total.depth = max(total.depth, cost.depth + 1)

    def _image(self, xref: int) -> None:
        if xref in self.images:
            return
        self.images.add(xref)
        width, height = (
            int(geometry.read_number(self.doc.xref_get_key(xref, key))) for key in ("Width", "Height")
        )
        if width * height > self.limits.max_image_pixels:
            raise TooComplex("image", self.number + 1)

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

    def _page_resources(self, page_xref: int) -> _Resources:
        """A page's resources, from the nearest node of the page tree that has them."""
        xref = page_xref
        for _ in range(64):
            own = self._resources(xref)
            if own is not None:
                return own
            kind, parent = self.doc.xref_get_key(xref, "Parent")
            if kind != "xref":
                break
            xref = int(parent.split()[0])
        return _Resources({}, {}, {})

    def _resources(self, xref: int) -> _Resources | None:
        """The resources a page, form, glyph font or pattern names itself; None when it has none."""
        if self.doc.xref_get_key(xref, "Resources")[0] == "null":
            return None
        return _Resources(
            self._dictionary(xref, "Resources/XObject"),
            self._dictionary(xref, "Resources/Font"),
            self._dictionary(xref, "Resources/Pattern"),
        )

    def _dictionary(self, xref: int, key: str) -> dict[str, int]:
        """A dictionary of references (name → xref), names decoded as content streams decode them."""
        kind, value = self.doc.xref_get_key(xref, key)
        if kind == "xref":
            value = self.doc.xref_object(int(value.split()[0]), compressed=True)
        elif kind != "dict":
            return {}
        return {decode_name(name.encode("latin-1")): int(ref) for name, ref in _REF.findall(value)}

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


def check_complexity(doc: pymupdf.Document, limits: ComplexityLimits) -> None:
    """Raise TooComplex for the first limit a file breaks; cost: one pass over its objects."""
    if doc.xref_length() > limits.max_objects:
        raise TooComplex("objects")
    counter = _Counter(doc, limits)
    for number in range(doc.page_count):
        counter.page(number)
