"""Active content: code is refused, everything else that acts by itself is taken out and said so,
and nothing of it ever leaves in an annotated export."""

import pymupdf
import pytest

from storage.pdf.active import find_active
from storage.pdf.annotate import Mark, annotate_pdf
from storage.pdf.ingest import PdfRejected, ingest_pdf
from tests import hostile_pdfs as hostile
from tests.storage.test_ingest import FIXTURES


@pytest.fixture(autouse=True, scope="module")
def _quiet_mupdf():
    """MuPDF complains on stderr about the media annotations these files carry; that is expected."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    yield
    pymupdf.TOOLS.mupdf_display_errors(True)


@pytest.mark.parametrize(("name", "element"), [(n, e) for n, (_, e) in hostile.REFUSED.items()])
def test_code_that_would_run_on_the_readers_machine_is_refused_naming_it(name, element):
    with pytest.raises(PdfRejected) as refused:
        ingest_pdf(hostile.hostile(name))
    assert (refused.value.code, refused.value.params) == ("pdf_active_content", {"element": element})


@pytest.mark.parametrize(("name", "element"), [(n, e) for n, (_, e) in hostile.STRIPPED.items()])
def test_other_active_content_is_taken_out_and_the_uploader_told_which(name, element):
    result = ingest_pdf(hostile.hostile(name))

    assert element in result.removed
    assert result.sanitized is not None
    assert hostile.active_names_pymupdf(result.sanitized) == set()
    assert hostile.active_names_pypdf(result.sanitized) == set()
    assert result.page_count == 1
    assert result.words[0]  # the reading content is all still there


def test_a_file_with_every_kind_at_once_comes_out_clean_for_two_independent_parsers():
    result = ingest_pdf(hostile.everything_strippable())

    assert set(result.removed) >= {"SubmitForm", "GoToR", "EmbeddedFile", "RichMedia", "XFA", "OpenAction"}
    assert hostile.active_names_pymupdf(result.sanitized) == set()
    assert hostile.active_names_pypdf(result.sanitized) == set()
    assert result.page_count == 2


def test_a_plain_web_link_is_not_active_content_and_the_file_is_stored_as_sent():
    result = ingest_pdf(hostile.with_web_link())
    assert (result.removed, result.sanitized) == ([], None)


@pytest.mark.parametrize(
    "uri",
    [
        "https://thuvienphapluat.vn/van-ban/JS",
        "https://vbpl.vn/tw/Pages/vbpq-toanvan.aspx?ItemID=1/AA",
        "http://example.vn/JavaScript/Launch",
        "mailto:vanphong@thansa.gov.vn",
        "www.thansa.gov.vn",
    ],
)
def test_a_link_whose_address_merely_mentions_an_action_name_is_kept(uri):
    result = ingest_pdf(hostile.with_web_link(uri))
    assert (result.removed, result.sanitized) == ([], None)


@pytest.mark.parametrize("title", ["Mục /AA và /JS của quy chế", "Điều 5 (/JavaScript) /Launch /OpenAction"])
def test_a_bookmark_that_mentions_an_action_name_is_accepted_untouched(title):
    result = ingest_pdf(hostile.with_bookmark(title))
    assert (result.removed, result.sanitized) == ([], None)


def test_a_bookmark_that_really_runs_javascript_is_still_refused():
    doc = hostile.plain_pdf(pages=2)
    doc.set_toc([[1, "Mục lục", 1]])
    outline = next(x for x in range(1, doc.xref_length()) if doc.xref_get_key(x, "Title")[0] == "string")
    doc.xref_set_key(outline, "A", "<</S/JavaScript/JS(app.alert\\(1\\))>>")
    with pytest.raises(PdfRejected) as refused:
        ingest_pdf(doc.tobytes())
    assert refused.value.params == {"element": "JavaScript"}


def test_opening_at_a_page_is_not_active_content():
    doc = hostile.plain_pdf(pages=2)
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"[{doc[1].xref} 0 R/Fit]")
    assert ingest_pdf(doc.tobytes()).removed == []


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "meeting").glob("*.pdf")))
def test_the_meeting_pack_has_no_active_content_and_is_stored_untouched(name):
    result = ingest_pdf((FIXTURES / "meeting" / name).read_bytes())
    assert (result.removed, result.sanitized) == ([], None)


def test_an_annotated_export_of_a_hostile_stored_file_carries_none_of_it(tmp_path):
    """A file stored before ingest sanitized (or with content it let through) leaves clean."""
    doc = hostile.plain_pdf(pages=2)
    for build, _ in [*hostile.REFUSED.values(), *hostile.STRIPPED.values()]:
        if build not in (
            hostile._import_data,
            hostile._goto_embedded,
            hostile._uri_on_open,
            hostile._javascript,
        ):
            build(doc)
    hostile._link(doc, "<</S/JavaScript/JS(app.alert(1))>>")
    path = tmp_path / "stored.pdf"
    doc.save(path)
    everything = {
        "JavaScript",
        "Launch",
        "SubmitForm",
        "GoToR",
        "EmbeddedFile",
        "RichMedia",
        "XFA",
        "OpenAction",
        "UnsafeLink",
    }
    assert set(find_active(pymupdf.open(path))) == everything

    note = Mark(
        kind="note",
        page=1,
        name="n1",
        author="Đại biểu",
        content="Ý kiến",
        created=_now(),
        modified=_now(),
        point=(100.0, 100.0),
    )
    exported = annotate_pdf(str(path), [note])

    assert hostile.active_names_pymupdf(exported) == set()
    assert hostile.active_names_pypdf(exported) == set()
    with pymupdf.open(stream=exported, filetype="pdf") as out:
        assert [annot.info["content"] for annot in out[0].annots()] == ["Ý kiến"]


def _now():
    from datetime import datetime

    return datetime(2026, 12, 1, 1, 0)
