"""Text pages as compact SVG whose glyph outlines travel once per block of pages, not per page.

MuPDF's SVG of a text page (glyphs as paths, so the tablet needs none of the PDF's fonts)
spends a third of its bytes on glyph outlines that every page repeats, and most of the rest on
coordinates printed to a millionth of a point. Here we rewrite it:

* each glyph outline is scaled to integer units of 1/1000 em and named by a hash of its shape
  (`g` + 6 characters), so every page of a document names the same glyph the same way without
  any shared state between the workers that render them;
* the reader fetches the outlines once per block of pages (a glyph sheet, cached by the browser;
  `GLYPH_BLOCK_PAGES` in storage/pdf/shared.py) and each page's markup only places them;
* a page's glyphs are grouped per line: one `<g transform>` carries the size and baseline and
  each glyph is `<use href x>` in 1/1000 em; other coordinates are rounded to 0.01 pt.
  At 2x zoom on a tablet (about 11 device pixels per point) 0.01 pt is a tenth of a pixel.

`standalone_svg` puts the outlines a page uses back inside it: that is what
`/pages/<n>/image` serves to clients that show a page as an ordinary image.
See docs/rendering.md for the measurements.
"""

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache

import pymupdf

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
EM_UNITS = 1000
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MATRIX = re.compile(r"matrix\(([^)]*)\)")
_URL_REF = re.compile(r"url\(#([^)]+)\)")
# What a glyph placed in a plain run may carry; anything else (opacity, a stroke, ...) is drawn apart.
_PLAIN_GLYPH = frozenset({"transform", "fill", "href", "data-text"})
# Outlines already scaled and named, by MuPDF's path data: the pages of a document share fonts.
_GLYPH_MEMO: dict[str, tuple[str, str] | None] = {}
_GLYPH_MEMO_MAX = 20_000


@dataclass
class GlyphRun:
    """Glyphs of one line: the group's transform (size, baseline) and fill, each glyph by x."""

    transform: str
    fill: str
    keys: list[str] = field(default_factory=list)
    xs: list[int] = field(default_factory=list)

    def markup(self) -> str:
        placed = zip(self.keys, self.xs, strict=True)
        uses = "".join(f"<use xlink:href='#{key}' x='{x}'/>" for key, x in placed)
        return f"<g transform='{self.transform}'{_fill(self.fill)}>{uses}</g>"


@dataclass(frozen=True)
class VectorPage:
    """A page's markup without glyph outlines (strings and runs of glyphs, in drawing order), and
    the outlines it places (id -> path data)."""

    parts: list[str | GlyphRun]
    glyphs: dict[str, str]

    @property
    def markup(self) -> str:
        return "".join(part if isinstance(part, str) else part.markup() for part in self.parts)

    def compact(self) -> tuple[list, list[str]]:
        """The parts with each run as `[transform, fill, [glyph index, x step, ...]]`, and the ids
        of every glyph the page places (the indexes name the first ones). The reader turns runs
        back into `<use>` elements (reader/textlayer.js); sent this way a page costs half the bytes of its
        markup, x steps being short numbers."""
        ids: dict[str, int] = {}
        parts: list = []
        for part in self.parts:
            if isinstance(part, str):
                if parts and isinstance(parts[-1], str):
                    parts[-1] += part
                else:
                    parts.append(part)
                continue
            codes, previous = [], 0
            for key, x in zip(part.keys, part.xs, strict=True):
                codes += [ids.setdefault(key, len(ids)), x - previous]
                previous = x
            parts.append([part.transform, part.fill, codes])
        for key in self.glyphs:  # also those placed one by one (rotated text), named in the strings
            ids.setdefault(key, len(ids))
        return parts, list(ids)


def vector_page(page: pymupdf.Page, prefix: str) -> VectorPage:
    """`prefix` keeps this page's clip-path and image ids apart from other pages' in one HTML page."""
    root = ET.fromstring(page.get_svg_image(text_as_path=True))  # noqa: S314 - MuPDF's output
    return _Rewriter(prefix).page(root)


def glyph_sheet(pages: list[VectorPage]) -> str:
    """The outlines of every glyph these pages place, as one SVG of `<path id>` definitions."""
    glyphs: dict[str, str] = {}
    for page in pages:
        glyphs.update(page.glyphs)
    return _defs_svg(glyphs)


def standalone_svg(vector: VectorPage, width: float, height: float) -> str:
    """A page that draws on its own, as an `<img>` or any SVG viewer shows it."""
    defs = "".join(f"<path id='{key}' d='{d}'/>" for key, d in sorted(vector.glyphs.items()))
    return _svg_open(width, height) + (f"<defs>{defs}</defs>" if defs else "") + vector.markup + "</svg>"


def page_view(vector: VectorPage, width: float, height: float) -> dict:
    """What the reader gets: the page's markup in compact form (`VectorPage.compact`), whose glyphs
    it places from the sheet of the page's block."""
    parts, ids = vector.compact()
    return {"svg": [_svg_open(width, height), *parts, "</svg>"], "glyph_ids": ids}


def _svg_open(width: float, height: float) -> str:
    w, h = _fmt(width), _fmt(height)
    return (
        f"<svg xmlns='{SVG_NS}' xmlns:xlink='http://www.w3.org/1999/xlink' "
        f"width='{w}' height='{h}' viewBox='0 0 {w} {h}'>"
    )


def _defs_svg(glyphs: dict[str, str]) -> str:
    paths = "".join(f"<path id='{key}' d='{d}'/>" for key, d in sorted(glyphs.items()))
    return f"<svg xmlns='{SVG_NS}' width='0' height='0'><defs>{paths}</defs></svg>"


class _Rewriter:
    """One pass over MuPDF's SVG tree, writing compact markup as it goes."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.glyph_keys: dict[str, str | None] = {}  # MuPDF's id -> our key (None: an empty glyph)
        self.glyphs: dict[str, str] = {}
        self.renamed: dict[str, str] = {}
        self.out: list[str | GlyphRun] = []
        self.run: GlyphRun | None = None

    def page(self, root: ET.Element) -> VectorPage:
        for child in root:
            if _tag(child) == "defs":
                self._defs(child)
        for child in root:
            if _tag(child) != "defs":
                self._element(child)
        self._close_line()
        return VectorPage(self.out, self.glyphs)

    def _defs(self, defs: ET.Element) -> None:
        kept = []
        for child in defs:
            element_id = child.get("id", "")
            if _tag(child) == "path" and element_id.startswith("font_"):
                self.glyph_keys[element_id] = self._glyph(child.get("d", ""))
            else:
                kept.append(child)
        for child in kept:  # names first: a clip path may refer to another definition
            if child.get("id"):
                self.renamed[child.get("id")] = f"{self.prefix}{len(self.renamed) + 1}"
        if kept:
            self.out.append("<defs>")
            for child in kept:
                self._element(child)
            self.out.append("</defs>")

    def _glyph(self, d: str) -> str | None:
        """Outline scaled to integer 1/1000 em; named by its shape, the same on every page."""
        if d not in _GLYPH_MEMO:
            if len(_GLYPH_MEMO) >= _GLYPH_MEMO_MAX:
                _GLYPH_MEMO.clear()
            _GLYPH_MEMO[d] = _scaled_glyph(d)
        named = _GLYPH_MEMO[d]
        if named is None:
            return None
        self.glyphs[named[0]] = named[1]
        return named[0]

    def _element(self, element: ET.Element) -> None:
        tag = _tag(element)
        href = element.get(XLINK_HREF) or element.get("href") or ""
        if tag == "use" and href[1:] in self.glyph_keys:
            self._glyph_use(element, self.glyph_keys[href[1:]])
            return
        self._close_line()
        attributes = "".join(f" {name}='{_escape(value)}'" for name, value in self._attributes(element))
        children = list(element)
        if not children and not (element.text or "").strip():
            self.out.append(f"<{tag}{attributes}/>")
            return
        self.out.append(f"<{tag}{attributes}>{_escape(element.text or '').strip()}")
        for child in children:
            self._element(child)
        self._close_line()
        self.out.append(f"</{tag}>")

    def _attributes(self, element: ET.Element, scale_strokes: bool = False):
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local == "data-text" or name.startswith("{http://www.inkscape.org"):
                continue
            if local == "id":
                value = self._name(value)
            elif local == "href" and value.startswith("#"):
                value = "#" + self._name(value[1:])
                local = "xlink:href"
            elif local == "href":
                local = "xlink:href"  # embedded image data
            elif local == "d" or local == "points":
                value = _NUMBER.sub(lambda m: _fmt(float(m.group())), value)
            elif local == "transform":
                value = _MATRIX.sub(lambda m: f"matrix({_numbers(m.group(1), 4)})", value)
            elif local == "stroke-width" and scale_strokes:
                value = _fmt(float(value) * EM_UNITS)
            elif "url(#" in value:
                value = _URL_REF.sub(lambda m: f"url(#{self._name(m.group(1))})", value)
            yield local, value

    def _name(self, old: str) -> str:
        """This page's name for an id of MuPDF's: the same for the element and every reference
        to it (an image drawn twice is defined once, then used), and apart from other pages'."""
        return self.renamed.setdefault(old, f"{self.prefix}x{old}")

    def _glyph_use(self, use: ET.Element, key: str | None) -> None:
        """Glyphs of one line share a group carrying size, direction and baseline; each is placed
        by x alone, whichever way the line runs (a page stored sideways, rotated text)."""
        if key is None:
            return  # a space: nothing to draw
        a, b, c, d, e, f = _matrix(use.get("transform", ""))
        fill = use.get("fill", "")
        determinant = a * d - b * c
        if determinant == 0:
            return  # a glyph squashed flat: nothing to see
        if fill.startswith("url(") or any(name.rsplit("}", 1)[-1] not in _PLAIN_GLYPH for name in use.attrib):
            self._styled_glyph(use, key, (a, b, c, d, e, f))
            return
        # The glyph's origin in the line's own frame (1 = an em): the frame's x runs along the
        # baseline, so every glyph of a line shares `across` and is placed by `along` alone.
        along = (d * e - c * f) / determinant
        across = (a * f - b * e) / determinant
        group = _line_group(a, b, c, d, c * across, d * across)
        if self.run is None or (self.run.transform, self.run.fill) != (group, fill):
            self.run = GlyphRun(group, fill)
            self.out.append(self.run)
        self.run.keys.append(key)
        self.run.xs.append(round(along * EM_UNITS))

    def _styled_glyph(self, use: ET.Element, key: str, matrix: tuple[float, ...]) -> None:
        """A glyph drawn other than by a plain fill (transparent, outlined, a pattern): on its own,
        with every attribute it came with, so it looks as the PDF draws it."""
        self._close_line()
        a, b, c, d, e, f = matrix
        transform = ",".join([*(_fmt(v / EM_UNITS, 6) for v in (a, b, c, d)), _fmt(e), _fmt(f)])
        kept = "".join(
            f" {name}='{_escape(value)}'"
            for name, value in self._attributes(use, scale_strokes=True)
            if name not in ("transform", "xlink:href")
        )
        self.out.append(f"<use xlink:href='#{key}' transform='matrix({transform})'{kept}/>")

    def _close_line(self) -> None:
        self.run = None


def _scaled_glyph(d: str) -> tuple[str, str] | None:
    if not d.strip():
        return None
    scaled = _NUMBER.sub(lambda m: _int_text(float(m.group()) * EM_UNITS), d)
    # 36 bits: two different outlines of one document share a name with odds of about 1 in 10^5.
    key = "g" + base64.urlsafe_b64encode(hashlib.sha256(scaled.encode()).digest()[:6]).decode()[:6]
    return key, scaled


@lru_cache(maxsize=4096)
def _line_group(a: float, b: float, c: float, d: float, tx: float, ty: float) -> str:
    """A line's frame: glyph size and direction, and where its baseline crosses x = 0."""
    linear = ",".join(_fmt(v / EM_UNITS, 6) for v in (a, b, c, d))
    return f"matrix({linear},{_fmt(tx)},{_fmt(ty)})"


def _fill(fill: str) -> str:
    return f" fill='{_escape(fill)}'" if fill else ""


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _matrix(transform: str) -> tuple[float, ...]:
    if transform.startswith("matrix(") and transform.endswith(")"):
        try:  # MuPDF writes "matrix(a,b,c,d,e,f)": the common case, parsed without a regex
            values = tuple(map(float, transform[7:-1].split(",")))
        except ValueError:
            values = ()
        if len(values) == 6:
            return values
    found = _MATRIX.search(transform)
    values = tuple(float(v) for v in _NUMBER.findall(found.group(1))) if found else ()
    return values if len(values) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _numbers(text: str, places: int) -> str:
    return ",".join(_fmt(float(v), places) for v in _NUMBER.findall(text))


def _fmt(value: float, places: int = 2) -> str:
    """Shortest text for a number rounded to `places` decimals: 12.50 -> 12.5, 0.25 -> .25."""
    text = f"{round(value, places):.{places}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _int_text(value: float) -> str:
    return str(round(value))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")
