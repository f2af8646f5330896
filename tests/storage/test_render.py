"""Page images as a delegate's tablet receives them: format, size, orientation, sharpness."""

import gzip
import os
import shutil
from pathlib import Path

import pymupdf
import pytest

from storage.pdf import render
from storage.pdf.render import RenderedPage, render_page

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
REPORT = FIXTURES / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf"
TEXT_PAGE, TABLE_PAGE, SCANNED_PAGE, ROTATED_PAGE = 1, 4, 9, 11


def pixels(rendered: RenderedPage) -> pymupdf.Pixmap:
    """Decode what the tablet would decode: SVG through MuPDF's own SVG reader."""
    if rendered.mimetype == "image/svg+xml":
        svg = pymupdf.open(stream=svg_markup(rendered), filetype="svg")
        return svg[0].get_pixmap(colorspace=pymupdf.csGRAY, alpha=False)
    return pymupdf.Pixmap(rendered.body)


def svg_markup(rendered: RenderedPage) -> bytes:
    assert rendered.encoding == "gzip"
    return gzip.decompress(rendered.body)


def write_pdf(path: Path, draw, width: float = 595, height: float = 842, rotation: int = 0) -> Path:
    document = pymupdf.open()
    page = document.new_page(width=width, height=height)
    draw(page)
    page.set_rotation(rotation)
    document.save(path)
    return path


def test_text_page_is_sent_as_gzipped_svg_within_the_4g_budget():
    rendered = render_page(str(REPORT), TEXT_PAGE, 1536, "auto")

    assert rendered.mimetype == "image/svg+xml"
    assert len(rendered.body) <= 60_000
    assert svg_markup(rendered).startswith(b"<svg")


def test_text_in_the_svg_is_drawn_as_shapes_so_the_tablet_needs_no_vietnamese_fonts():
    markup = svg_markup(render_page(str(REPORT), TEXT_PAGE, 1536, "svg"))

    assert b"<text" not in markup
    assert b"<path" in markup


def test_scanned_page_is_sent_as_a_raster():
    rendered = render_page(str(REPORT), SCANNED_PAGE, 1536, "auto")

    assert rendered.mimetype in {"image/jpeg", "image/png"}
    assert rendered.encoding is None
    assert len(rendered.body) < len(render_page(str(REPORT), SCANNED_PAGE, 1536, "png").body)


def test_scanned_page_is_not_upscaled_past_the_resolution_of_the_scan():
    scan_width = 910  # pixels across the fixture's scanned image

    image = pixels(render_page(str(REPORT), SCANNED_PAGE, 2048, "auto"))

    assert scan_width - 2 <= image.width <= scan_width + 2


def test_landscape_table_page_keeps_its_landscape_shape():
    svg = pixels(render_page(str(REPORT), TABLE_PAGE, 1536, "auto"))
    png = pixels(render_page(str(REPORT), TABLE_PAGE, 1536, "png"))

    assert (svg.width, svg.height) == (842, 595)
    assert abs(png.width - 1536) <= 1
    assert abs(png.height - round(1536 * 595 / 842)) <= 1


@pytest.mark.parametrize("fmt", ["svg", "png", "jpeg", "auto"])
def test_a_page_stored_rotated_comes_out_as_a_desktop_viewer_shows_it(tmp_path, fmt):
    def mark_top_left(page):
        page.draw_rect(pymupdf.Rect(0, 0, 60, 60), color=None, fill=(0, 0, 0))

    # /Rotate 90 turns the page clockwise: the stored top-left corner is shown at the top right.
    path = write_pdf(tmp_path / "rotated.pdf", mark_top_left, width=200, height=400, rotation=90)

    image = pixels(render_page(str(path), 1, 400, fmt))

    assert (image.width, image.height) == (400, 200)
    assert image.pixel(image.width - 10, 10)[0] < 64
    assert image.pixel(10, 10)[0] > 192


def test_the_fixture_page_stored_with_rotate_90_is_shown_in_landscape():
    svg = pixels(render_page(str(REPORT), ROTATED_PAGE, 1536, "auto"))
    png = pixels(render_page(str(REPORT), ROTATED_PAGE, 1536, "png"))

    assert (svg.width, svg.height) == (842, 595)
    assert png.width > png.height


def test_black_and_white_page_is_sent_as_a_gray_png():
    image = pixels(render_page(str(REPORT), TEXT_PAGE, 640, "png"))

    assert image.n == 1
    assert abs(image.width - 640) <= 1


def test_a_page_with_colour_keeps_its_colour(tmp_path):
    def red_heading(page):
        page.draw_rect(pymupdf.Rect(50, 50, 300, 80), color=None, fill=(0.8, 0, 0))

    path = write_pdf(tmp_path / "colour.pdf", red_heading)

    image = pixels(render_page(str(path), 1, 640, "png"))

    assert image.n == 3
    red, green, blue = image.pixel(100, 70)
    assert red > 150 > green
    assert green == blue


def test_a_page_too_heavy_for_svg_is_sent_as_a_raster(monkeypatch):
    monkeypatch.setattr(render, "MAX_SVG_BYTES", 10_000)

    rendered = render_page(str(REPORT), TABLE_PAGE, 1024, "auto")

    assert rendered.mimetype in {"image/jpeg", "image/png"}


@pytest.mark.parametrize("page_number", [0, 29])
def test_a_page_the_document_does_not_have_is_refused(page_number):
    with pytest.raises(ValueError, match=r"not in 1\.\.28"):
        render_page(str(REPORT), page_number, 640, "png")


@pytest.mark.parametrize(("width", "fmt"), [(640, "webp"), (640, "gif"), (0, "png")])
def test_an_image_we_cannot_make_is_refused(width, fmt):
    with pytest.raises(ValueError):
        render_page(str(REPORT), TEXT_PAGE, width, fmt)


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """The paths PyMuPDF is asked to open, in order."""
    paths = []
    real_open = pymupdf.open

    def recording_open(path, *args, **kwargs):
        paths.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(render.pymupdf, "open", recording_open)
    return paths


def test_rendering_many_pages_of_one_document_opens_it_once(tmp_path, opened):
    path = shutil.copy(REPORT, tmp_path / "report.pdf")

    for page_number in (1, 2, 3, 1):
        render_page(str(path), page_number, 640, "svg")

    assert opened == [str(path)]


def test_only_a_few_documents_are_kept_open(tmp_path, opened):
    paths = [str(shutil.copy(REPORT, tmp_path / f"copy-{n}.pdf")) for n in range(6)]

    for path in [*paths, paths[-1], paths[0]]:
        render_page(path, TABLE_PAGE, 320, "svg")

    assert opened == [*paths, paths[0]]
    assert len(render._open_documents) == render.MAX_OPEN_DOCUMENTS


def test_a_document_replaced_on_disk_is_read_again(tmp_path):
    def box_at(x):
        return lambda page: page.draw_rect(pymupdf.Rect(x, 0, x + 100, 100), color=None, fill=(0, 0, 0))

    path = write_pdf(tmp_path / "doc.pdf", box_at(0), width=400, height=100)
    before = pixels(render_page(str(path), 1, 400, "png"))
    stamp = os.stat(path).st_mtime_ns
    replacement = write_pdf(tmp_path / "new.pdf", box_at(300), width=400, height=100)
    os.utime(replacement, ns=(stamp + 1_000_000_000, stamp + 1_000_000_000))
    os.replace(replacement, path)

    after = pixels(render_page(str(path), 1, 400, "png"))

    assert before.pixel(10, 50)[0] < 64 < after.pixel(10, 50)[0]
