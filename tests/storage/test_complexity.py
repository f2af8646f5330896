"""PDF bombs: a few kilobytes that would tie a worker up for hours are refused before any page is read."""

import pymupdf
import pytest

from storage.pdf.complexity import ComplexityLimits, TooComplex, check_complexity
from storage.pdf.ingest import PdfLimits, PdfRejected, ingest_pdf
from tests import hostile_pdfs as hostile
from tests.storage.test_ingest import FIXTURES


def refusal(data: bytes, limits: PdfLimits | None = None) -> PdfRejected:
    with pytest.raises(PdfRejected) as refused:
        ingest_pdf(data, limits or PdfLimits())
    return refused.value


def test_forms_nested_nine_deep_ten_wide_are_refused_as_too_complex():
    bomb = hostile.form_bomb(depth=9, fan_out=10)
    assert len(bomb) < 4096  # the reported attack: a 2.7 KB file

    refused = refusal(bomb)

    assert (refused.code, refused.params) == ("pdf_too_complex", {"reason": "invocations", "page": 1})


def test_the_same_bomb_in_an_annotations_appearance_is_refused():
    refused = refusal(hostile.appearance_bomb())
    assert (refused.code, refused.params) == ("pdf_too_complex", {"reason": "invocations", "page": 1})


def test_forms_nested_too_deep_are_refused_even_when_each_draws_once():
    refused = refusal(hostile.form_bomb(depth=20, fan_out=1))
    assert (refused.code, refused.params["reason"]) == ("pdf_too_complex", "depth")


def test_a_form_that_draws_itself_is_refused():
    assert refusal(hostile.self_drawing_form()).params["reason"] == "depth"


def test_a_content_stream_that_inflates_past_the_limit_is_refused():
    limits = PdfLimits(complexity=ComplexityLimits(max_content_bytes=16 * 2**20))
    refused = refusal(hostile.deflate_bomb(megabytes=32), limits)
    assert (refused.code, refused.params["reason"]) == ("pdf_too_complex", "content")


def test_an_image_claiming_billions_of_pixels_is_refused():
    assert refusal(hostile.huge_image()).params == {"reason": "image", "page": 1}


def test_a_file_with_more_objects_than_the_limit_is_refused():
    limits = PdfLimits(complexity=ComplexityLimits(max_objects=5))
    assert refusal(hostile.plain_pdf(pages=3).tobytes(), limits).params["reason"] == "objects"


def test_modest_form_use_is_accepted():
    assert ingest_pdf(hostile.form_bomb(depth=3, fan_out=10)).page_count == 1


@pytest.mark.parametrize(
    "path",
    sorted((FIXTURES / "meeting").glob("*.pdf")) + sorted((FIXTURES / "legal").glob("*.pdf")),
    ids=lambda p: p.name,
)
def test_every_real_council_document_passes_the_complexity_check(path):
    assert ingest_pdf(path.read_bytes()).page_count >= 1


@pytest.mark.parametrize("spelling", sorted(hostile.SPELLINGS), ids=str)
def test_the_form_bomb_is_refused_however_its_do_is_written(spelling):
    bomb = hostile.form_bomb(depth=9, fan_out=10, call=hostile.SPELLINGS[spelling])
    assert len(bomb) < 4096

    refused = refusal(bomb)

    assert (refused.code, refused.params) == ("pdf_too_complex", {"reason": "invocations", "page": 1})


@pytest.mark.parametrize("spelling", sorted(hostile.SPELLINGS), ids=str)
def test_a_modest_form_is_accepted_however_its_do_is_written(spelling):
    modest = hostile.form_bomb(depth=3, fan_out=10, call=hostile.SPELLINGS[spelling])
    assert ingest_pdf(modest).page_count == 1


def test_a_do_inside_a_string_or_a_comment_draws_nothing_and_counts_nothing():
    harmless = b"BT /F1 1 Tf (/X1 Do /X1 Do) Tj ET % /X1 Do /X1 Do\n" * 5000
    doc = hostile.plain_pdf()
    hostile._append_content(doc, harmless)
    limits = PdfLimits(complexity=ComplexityLimits(max_form_invocations=10))
    assert ingest_pdf(doc.tobytes(), limits).page_count == 1


def test_the_bomb_inside_a_type3_glyph_is_refused():
    bomb = hostile.type3_glyph_bomb(depth=8, fan_out=10, glyphs=10)
    assert len(bomb) < 4096

    assert refusal(bomb).params == {"reason": "invocations", "page": 1}


def test_the_bomb_inside_a_tiling_pattern_cell_is_refused():
    bomb = hostile.pattern_cell_bomb(depth=8, fan_out=10)
    assert len(bomb) < 4096

    assert refusal(bomb).params["reason"] in ("invocations", "cells")


def test_a_page_filled_with_a_hair_thin_tiling_pattern_is_refused():
    bomb = hostile.fine_pattern(step=0.02)
    assert len(bomb) < 1024  # the reported attack: 852 bytes

    assert refusal(bomb).params == {"reason": "cells", "page": 1}


@pytest.mark.parametrize("step", [2, 1])
def test_an_ordinary_hatch_over_a_whole_page_is_accepted(step):
    assert ingest_pdf(hostile.fine_pattern(step=step)).page_count == 1


def test_a_fine_pattern_on_a_small_shape_is_accepted():
    doc = hostile.plain_pdf()
    pattern = hostile._tiling_pattern(doc, 0.2, b"0 0 0.1 0.1 re f", "/Resources<<>>")
    hostile._resource(doc, "Pattern", "P1", pattern)
    hostile._append_content(doc, b"q /Pattern cs /P1 scn 0.5 0 0 0.5 72 72 cm 0 0 100 100 re f Q")
    assert ingest_pdf(doc.tobytes()).page_count == 1


def test_a_fine_pattern_scaled_up_to_the_whole_page_is_counted_at_its_drawn_size():
    doc = hostile.plain_pdf()
    pattern = hostile._tiling_pattern(doc, 0.02, b"0 0 0.01 0.01 re f", "/Resources<<>>")
    hostile._resource(doc, "Pattern", "P1", pattern)
    hostile._append_content(doc, b"q /Pattern cs /P1 scn 100 0 0 100 0 0 cm 0 0 6 9 re f Q")
    assert refusal(doc.tobytes()).params["reason"] == "cells"


def test_a_long_report_with_a_logo_form_on_every_page_is_checked_quickly():
    """Pages that draw a small form are costed from the count of `Do` alone, not tokenized;
    the check stays a small share of the ingest it guards (bench/pdf_input_bench.py measures)."""
    doc = hostile.plain_pdf(pages=3, text="Do đó, Do ủy ban đề nghị " * 20)
    logo = hostile._form(doc, b"0 0 1 rg 0 0 10 10 re f", None)
    hostile._draw(doc, "Logo", logo, b"q /Logo Do Q")
    assert ingest_pdf(doc.tobytes()).page_count == 3


def _shared_stream_file(pages: int) -> tuple[bytes, int]:
    """Every page points at one stream that draws a small form 1,000 times; the page's resources
    also name a form of 100 drawings it never uses, so the cheap bound fails and pages are read."""
    doc = hostile.plain_pdf()
    logo = hostile._form(doc, b"0 0 1 rg 0 0 10 10 re f", None)
    heavy = hostile._nested_forms(doc, depth=2, fan_out=10)
    body = b"/Logo Do\n" * 1000
    hostile._draw(doc, "Logo", logo, body)
    hostile._resource(doc, "XObject", "Unused", heavy)
    contents = doc.xref_get_key(doc[0].xref, "Contents")[1]
    resources = doc.xref_get_key(doc[0].xref, "Resources")
    for _ in range(pages - 1):
        page = doc.new_page()
        doc.xref_set_key(page.xref, "Contents", contents)
        doc.xref_set_key(page.xref, "Resources", resources[1])
    return doc.tobytes(garbage=1, deflate=True), len(body)


def test_pages_sharing_one_stream_are_read_once():
    data, size = _shared_stream_file(pages=500)
    budget = ComplexityLimits(max_tokenized_bytes=3 * size)  # room for the stream, once
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        check_complexity(doc, budget)


def test_a_file_asking_for_more_reading_than_the_budget_is_refused():
    data, size = _shared_stream_file(pages=2)
    with pymupdf.open(stream=data, filetype="pdf") as doc, pytest.raises(TooComplex) as refused:
        check_complexity(doc, ComplexityLimits(max_tokenized_bytes=size // 2))
    assert refused.value.what == "content"


def test_draws_hidden_behind_an_inline_images_fake_end_are_still_counted():
    bomb = hostile.inline_image_hiding_bomb(depth=9, fan_out=10)
    assert len(bomb) < 4096

    assert refusal(bomb).params == {"reason": "invocations", "page": 1}


def test_after_an_inline_image_of_unmeasurable_data_the_draws_are_bounded_from_the_bytes():
    bomb = hostile.inline_image_hiding_bomb(depth=9, fan_out=10, image_filter=" /F /DCT")
    assert refusal(bomb).params["reason"] == "invocations"


def test_a_page_with_a_small_inline_image_and_a_modest_form_is_accepted():
    assert ingest_pdf(hostile.inline_image_hiding_bomb(depth=3, fan_out=10)).page_count == 1
