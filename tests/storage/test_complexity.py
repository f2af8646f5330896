"""PDF bombs: a few kilobytes that would tie a worker up for hours are refused before any page is read."""

import pytest

from storage.pdf.complexity import ComplexityLimits
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
