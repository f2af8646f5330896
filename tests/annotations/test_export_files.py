"""Export files carry their own metadata, and tools nobody here wrote read them as intended."""

import io
import itertools
import json
import subprocess
from datetime import datetime
from xml.etree import ElementTree

import docx
import jsonschema
import pymupdf
import pypdf
import pytest

from documents.models import Paragraph
from tests.annotations.test_exports import SCHEMA


@pytest.fixture
def said(people, document, create_annotation):
    paragraphs = (
        Paragraph.query.filter_by(document_id=document.id, kind="body").order_by(Paragraph.number).all()
    )
    first, second = paragraphs[0], paragraphs[4]
    create_annotation(people["daibieu1"], document, paragraph=first, body="Ý kiến thứ nhất")
    create_annotation(people["daibieu2"], document, paragraph=second, body="Ý kiến thứ hai")
    create_annotation(
        people["daibieu3"],
        document,
        "highlight",
        body="Đánh dấu có lời",
        target={"page": 2, "quads": [[80, 400, 300, 414]], "quote": "x"},
    )
    create_annotation(
        people["daibieu1"],
        document,
        "note",
        body="Ghi chú cuối trang",
        target={"page": 1, "point": [500, 760]},
    )
    return first, second


def test_the_word_digest_names_its_council_title_and_date_not_the_template(api, meeting, said):
    before = datetime.utcnow().replace(microsecond=0)  # python-docx reads naive UTC
    body = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.docx").data
    core = docx.Document(io.BytesIO(body)).core_properties
    assert core.title == f"Báo cáo tổng hợp ý kiến đại biểu – {meeting.title}"
    assert core.author not in ("python-docx", "")
    assert core.last_modified_by == core.author
    assert core.created >= before.replace(tzinfo=core.created.tzinfo)
    assert core.modified == core.created
    assert core.last_printed is None


def test_the_pdf_digest_has_a_title_author_subject_and_creation_date(api, meeting, said):
    body = api("chutoa").get(f"/api/meetings/{meeting.id}/digest.pdf").data
    info = pypdf.PdfReader(io.BytesIO(body)).metadata
    assert info.title == f"Báo cáo tổng hợp ý kiến đại biểu – {meeting.title}"
    assert info.author
    assert meeting.title in info.subject
    assert info.creation_date.year >= 2026


def test_each_popup_of_the_annotated_pdf_opens_beside_its_own_annotation(api, document, said):
    body = api("chutoa").get(f"/api/documents/{document.id}/annotated.pdf").data
    popups = []
    with pymupdf.open("pdf", body) as pdf:
        for page in pdf:
            for annot in page.annots():
                if annot.info["content"]:
                    popup = annot.popup_rect
                    # level with it (pushed up only where the page ends)
                    assert popup.y0 <= annot.rect.y0 + 1 < annot.rect.y1 - 1 <= popup.y1, annot.info[
                        "content"
                    ]
                    assert popup.x0 >= annot.rect.x1 or popup.x1 <= annot.rect.x0
                    assert page.rect.contains(popup)
                    popups.append((page.number, tuple(popup)))
    assert len(popups) == 4
    assert len(set(popups)) == len(popups)


def test_pypdf_reads_the_annotated_pdf_with_the_highlight_on_its_words(api, document, said):
    body = api("chutoa").get(f"/api/documents/{document.id}/annotated.pdf").data
    reader = pypdf.PdfReader(io.BytesIO(body), strict=True)
    annots = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    highlight = next(a for a in annots if a["/Subtype"] == "/Highlight")
    assert highlight["/Contents"] == "Đánh dấu có lời"
    popups = [a for a in annots if a["/Subtype"] == "/Popup"]
    assert all("/Parent" in popup for popup in popups)
    # a highlight's corners, as pypdf reads them, cover the quad it was made on (page 2, unrotated)
    height = float(reader.pages[1].mediabox.height)
    left, bottom, right, top = (float(v) for v in highlight["/Rect"])
    assert (left, right) == (pytest.approx(80, abs=4), pytest.approx(300, abs=4))
    assert (bottom, top) == (pytest.approx(height - 414, abs=4), pytest.approx(height - 400, abs=4))


def test_qpdf_finds_no_damage_in_the_annotated_pdf(api, document, said, tmp_path):
    path = tmp_path / "annotated.pdf"
    path.write_bytes(api("chutoa").get(f"/api/documents/{document.id}/annotated.pdf").data)
    checked = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors found" in checked.stdout


def test_libreoffice_opens_the_word_digest(api, meeting, said, tmp_path):
    source = tmp_path / "digest.docx"
    source.write_bytes(api("chutoa").get(f"/api/meetings/{meeting.id}/digest.docx").data)
    profile = (tmp_path / "profile").as_uri()
    converted = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    with pymupdf.open(tmp_path / "digest.pdf") as pdf:
        text = " ".join(" ".join(page.get_text().split()) for page in pdf)
    assert "BÁO CÁO Tổng hợp ý kiến đại biểu về tài liệu kỳ họp" in text
    assert "Ý kiến thứ hai" in text


def test_each_json_ld_target_has_one_selector_refined_inside_its_pdf_page(
    api, meeting, people, document, said, create_annotation
):
    stroke = [[100.0, 120.0], [180.0, 140.0]]
    drawn = create_annotation(
        people["daibieu2"], document, "ink", body="Khoanh", target={"page": 2, "paths": [stroke]}
    )
    collection = json.loads(api("chutoa").get(f"/api/meetings/{meeting.id}/annotations.jsonld").data)
    jsonschema.Draft202012Validator(SCHEMA).validate(collection)
    selectors = {}
    for item in collection["first"]["items"]:
        assert item["target"]["source"]["id"].endswith(f"/api/documents/{document.id}/file")
        assert isinstance(item["target"]["selector"], dict)  # one selector, not alternatives
        selectors[int(item["id"].rsplit("-", 1)[1])] = item["target"]["selector"]
    ink = selectors[drawn.id]
    assert ink["value"] == "page=2"  # the strokes are in that page's points
    assert ink["refinedBy"]["type"] == "SvgSelector"
    assert "M100,120 L180,140" in ink["refinedBy"]["value"]
    for selector in selectors.values():
        assert selector["type"] == "FragmentSelector"
        assert selector["value"].startswith("page=")


def test_a_drawing_in_the_json_ld_renders_as_lines_over_its_page_not_a_black_blob(
    api, meeting, people, document, create_annotation
):
    stroke = [[100.0, 120.0], [300.0, 140.0], [120.0, 400.0]]
    drawn = create_annotation(
        people["daibieu2"], document, "ink", body="", target={"page": 2, "paths": [stroke], "color": "blue"}
    )
    collection = json.loads(api("chutoa").get(f"/api/meetings/{meeting.id}/annotations.jsonld").data)
    (item,) = [i for i in collection["first"]["items"] if i["id"].endswith(f"-{drawn.id}")]
    svg = item["target"]["selector"]["refinedBy"]["value"]

    root = ElementTree.fromstring(svg)
    (path,) = root.findall("{http://www.w3.org/2000/svg}path")
    page = api("chutoa").get(f"/api/documents/{document.id}").get_json()["pages"][1]
    assert root.get("viewBox") == f"0 0 {page['width']:g} {page['height']:g}"
    assert (path.get("fill"), path.get("stroke"), path.get("stroke-width")) == ("none", "#1565c0", "2")
    # drawn by another SVG reader (MuPDF): thin lines cover a sliver of the page, not a filled shape
    with pymupdf.open("svg", svg.encode()) as image:
        pixmap = image[0].get_pixmap()
    inked = sum(1 for i in range(0, len(pixmap.samples), pixmap.n) if pixmap.samples[i] < 200)
    assert 0 < inked < 0.01 * pixmap.width * pixmap.height


def test_every_json_ld_mark_has_a_body_and_every_target_its_language(
    api, meeting, people, document, said, create_annotation
):
    create_annotation(
        people["daibieu1"], document, "highlight", body="", target={"page": 1, "quads": [[80, 400, 300, 414]]}
    )
    create_annotation(
        people["daibieu2"], document, "ink", body="", target={"page": 1, "paths": [[[1, 2], [3, 4]]]}
    )
    create_annotation(people["daibieu3"], document, "note", body="", target={"page": 1, "point": [50, 60]})
    collection = json.loads(api("chutoa").get(f"/api/meetings/{meeting.id}/annotations.jsonld").data)
    jsonschema.Draft202012Validator(SCHEMA).validate(collection)

    items = collection["first"]["items"]
    assert all(item["body"]["value"] for item in items)
    bare = {item["motivation"]: item["body"] for item in items if item["body"].get("purpose")}
    assert bare["highlighting"]["value"] in ("Đánh dấu", "Nét vẽ")
    assert bare["bookmarking"]["value"] == "Ghi chú"
    assert all(
        item["target"]["source"]["language"] == "vi" for item in items if isinstance(item["target"], dict)
    )


def _annots(body: bytes) -> list[tuple[int, pymupdf.Rect, pymupdf.Rect, str, str]]:
    """(page, the annotation's box, its popup's box, its kind, its text) as MuPDF reads them."""
    out = []
    with pymupdf.open("pdf", body) as pdf:
        for page in pdf:
            for annot in page.annots():
                out.append(
                    (page.number + 1, annot.rect, annot.popup_rect, annot.type[1], annot.info["content"])
                )
    return out


def test_two_comments_on_a_one_line_paragraph_both_sit_beside_it(api, people, document, create_annotation):
    paragraphs = Paragraph.query.filter_by(document_id=document.id).order_by(Paragraph.number).all()
    line, below = next(
        (p, q) for p, q in itertools.pairwise(paragraphs) if p.y1 - p.y0 < 18 and q.page == p.page
    )
    create_annotation(people["daibieu1"], document, paragraph=line, body="Ý kiến một")
    create_annotation(people["daibieu2"], document, paragraph=line, body="Ý kiến hai")

    icons = [
        rect
        for _page, rect, _popup, _kind, text in _annots(_annotated(api, document))
        if text.startswith("Ý kiến")
    ]

    assert len(icons) == 2
    for icon in icons:
        assert line.y0 - 1 <= icon.y0 < line.y1 <= below.y0 + 1  # level with its line, not the next one
        assert icon.x1 <= line.x0  # in the margin
    assert not icons[0].intersects(icons[1])


def test_an_empty_note_opens_its_window_beside_it(api, people, document, create_annotation):
    create_annotation(people["daibieu1"], document, "note", body="", target={"page": 1, "point": [300, 500]})

    ((_page, icon, popup, kind, _text),) = [a for a in _annots(_annotated(api, document)) if a[3] == "Text"]

    assert kind == "Text"
    assert popup.y0 <= icon.y0 + 1 < icon.y1 - 1 <= popup.y1
    assert popup.x0 >= icon.x1 or popup.x1 <= icon.x0


def test_a_page_wide_drawings_window_does_not_cover_the_drawing(api, people, document, create_annotation):
    stroke = [[40.0, 300.0], [300.0, 320.0], [560.0, 310.0]]
    create_annotation(
        people["daibieu2"], document, "ink", body="Cả đoạn này", target={"page": 1, "paths": [stroke]}
    )

    ((_page, ink, popup, _kind, _text),) = [a for a in _annots(_annotated(api, document)) if a[3] == "Ink"]

    assert not popup.intersects(ink)
    assert abs(popup.y0 - ink.y1) < 10 or abs(popup.y1 - ink.y0) < 10  # right under it (or over it)


def _annotated(api, document) -> bytes:
    response = api("chutoa").get(f"/api/documents/{document.id}/annotated.pdf")
    assert response.status_code == 200
    return response.data
