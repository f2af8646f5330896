"""Pages as the reader draws them: compact page views whose glyphs come from a sheet per block."""

import json
import re
from pathlib import Path

import brotli
import pymupdf
import pytest

from storage.pdf.render import render_glyph_sheet, render_page, render_reader_page
from storage.pdf.shared import GLYPH_BLOCK_PAGES
from storage.pdf.text_layer import compact_lines, expand_lines

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
REPORT = FIXTURES / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf"
TEXT_PAGE, TABLE_PAGE, SCANNED_PAGE, ROTATED_PAGE = 2, 4, 9, 11
# MuPDF's own full SVG of a page (what the reader showed before) and our compact markup, both drawn
# by MuPDF's SVG reader at 2x: pixels whose gray differs by more than this are ink where there
# should be paper or the reverse. Rounding to 0.01 pt leaves none (measured); one glyph of "6."
# left out of the sheet leaves about 300.
INK_DIFFERENCE = 96
MOST_PIXELS_OFF = 20
ZOOM = 2.0


def view_of(number: int, path: Path = REPORT) -> dict:
    rendered = render_reader_page(str(path), number, "[]")
    assert (rendered.mimetype, rendered.encoding) == ("application/json", "br")
    return json.loads(brotli.decompress(rendered.body))


def sheet_of(block: int, path: Path = REPORT) -> dict[str, str]:
    markup = brotli.decompress(render_glyph_sheet(str(path), block).body).decode()
    return dict(re.findall(r"<path id='([^']+)' (d='[^']*')/>", markup))


def as_reader_draws_it(view: dict, sheet: dict[str, str]) -> bytes:
    """What static/js/reader/textlayer.js builds from a view and its block's sheet."""
    markup = []
    for part in view["svg"]:
        if isinstance(part, str):
            markup.append(part)
            continue
        transform, fill, codes = part
        x, uses = 0, []
        for index in range(0, len(codes), 2):
            x += codes[index + 1]
            uses.append(f"<use xlink:href='#{view['glyph_ids'][codes[index]]}' x='{x}'/>")
        fill_attribute = f" fill='{fill}'" if fill else ""
        markup.append(f"<g transform='{transform}'{fill_attribute}>{''.join(uses)}</g>")
    svg = "".join(markup)
    defs = "".join(f"<path id='{key}' {sheet[key]}/>" for key in view["glyph_ids"])
    opening = svg.index(">") + 1
    return (svg[:opening] + f"<defs>{defs}</defs>" + svg[opening:]).encode()


def pixels_off(view: dict, sheet: dict[str, str], number: int, path: Path = REPORT) -> int:
    ours = pymupdf.open(stream=as_reader_draws_it(view, sheet), filetype="svg")[0]
    page = pymupdf.open(path)[number - 1]
    theirs = pymupdf.open(stream=page.get_svg_image(text_as_path=True).encode(), filetype="svg")[0]
    matrix = pymupdf.Matrix(ZOOM, ZOOM)
    first = ours.get_pixmap(matrix=matrix, colorspace=pymupdf.csGRAY, alpha=False)
    second = theirs.get_pixmap(matrix=matrix, colorspace=pymupdf.csGRAY, alpha=False)
    assert (first.width, first.height) == (second.width, second.height)
    return sum(abs(a - b) > INK_DIFFERENCE for a, b in zip(first.samples, second.samples, strict=True))


@pytest.mark.parametrize("number", [TEXT_PAGE, TABLE_PAGE, ROTATED_PAGE])
def test_a_page_drawn_from_its_view_and_glyph_sheet_looks_like_the_full_page_image(number):
    view = view_of(number)
    assert pixels_off(view, sheet_of(view["glyphs"]), number) <= MOST_PIXELS_OFF


def test_a_seal_printed_twice_and_a_faint_watermark_look_as_the_pdf_draws_them(tmp_path):
    seal = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    seal.set_rect(seal.irect, (180, 20, 20))
    document = pymupdf.open()
    page = document.new_page()
    first = page.insert_image(pymupdf.Rect(60, 60, 140, 140), stream=seal.tobytes("png"))
    page.insert_image(pymupdf.Rect(400, 700, 480, 780), xref=first)
    page.insert_text((72, 300), "Dự thảo — bản lấy ý kiến", fontsize=40, fill_opacity=0.3, fontname="helv")
    page.insert_text((72, 400), "Điều 1. Phạm vi điều chỉnh", fontsize=14, render_mode=1, fontname="helv")
    path = tmp_path / "seal.pdf"
    document.save(path)
    view = view_of(1, path)
    assert pixels_off(view, sheet_of(0, path), 1, path) <= MOST_PIXELS_OFF


def test_a_page_with_one_glyph_left_out_of_the_sheet_no_longer_looks_the_same():
    """The comparison above can fail: one glyph shape missing from the sheet shows."""
    view = view_of(TEXT_PAGE)
    sheet = sheet_of(view["glyphs"])
    sheet[view["glyph_ids"][0]] = "d=''"
    assert pixels_off(view, sheet, TEXT_PAGE) > MOST_PIXELS_OFF


def test_every_glyph_a_page_places_is_in_its_blocks_sheet():
    document = pymupdf.open(REPORT)
    sheets = {}
    for number in range(1, document.page_count + 1):
        view = view_of(number)
        if view.get("raster"):
            continue
        assert view["glyphs"] == (number - 1) // GLYPH_BLOCK_PAGES
        if view["glyphs"] not in sheets:
            sheets[view["glyphs"]] = sheet_of(view["glyphs"])
        sheet = sheets[view["glyphs"]]
        placed = set(re.findall(r"href='#(g[^']+)'", "".join(p for p in view["svg"] if isinstance(p, str))))
        assert placed <= set(view["glyph_ids"]), f"page {number}"
        assert set(view["glyph_ids"]) <= set(sheet), f"page {number}"


def test_a_scanned_page_view_sends_the_reader_to_the_raster_image():
    view = view_of(SCANNED_PAGE)
    assert view["raster"] is True
    assert "svg" not in view


def test_a_text_page_view_with_its_share_of_the_glyph_sheet_weighs_less_than_the_old_svg():
    """The old page image (MuPDF's SVG, glyphs repeated on every page, gzip) was ~43 KB."""
    page_view = render_reader_page(str(REPORT), TEXT_PAGE, "[]").body
    sheet = render_glyph_sheet(str(REPORT), 0).body
    pages_in_block = min(GLYPH_BLOCK_PAGES, pymupdf.open(REPORT).page_count)
    assert len(page_view) + len(sheet) / pages_in_block < 12 * 1024


def test_a_thumbnail_of_a_text_page_fits_in_12_kb():
    thumbnail = render_page(str(REPORT), TEXT_PAGE, 320, "auto")
    assert thumbnail.mimetype == "image/jpeg"
    assert len(thumbnail.body) <= 12 * 1024
    assert pymupdf.Pixmap(thumbnail.body).width <= 320


def test_the_text_layer_travels_as_lines_and_comes_back_word_for_word():
    words = [
        [72.0, 100.0, 90.5, 112.0, "Điều"],
        [93.0, 100.2, 99.0, 112.3, "1."],
        [72.0, 120.0, 120.0, 132.0, "Phạm vi"],  # a word with a space in it stays one word
    ]
    lines = compact_lines(words)
    assert len(lines) == 2
    back = expand_lines(lines)
    assert [word[4] for word in back] == ["Điều", "1.", "Phạm\u00a0vi"]
    for ours, theirs in zip(back, words, strict=True):
        assert ours[0] == pytest.approx(theirs[0], abs=0.05)
        assert ours[2] == pytest.approx(theirs[2], abs=0.1)
