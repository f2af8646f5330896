"""Uploading documents to agenda items and reading them back, as members and as outsiders."""

import io

import pytest

from tests.conftest import BAD_FILES, MEETING_PACK


@pytest.fixture
def meeting(create_user, create_meeting):
    secretary = create_user("thuky")
    delegate = create_user("daibieu1")
    create_user("nguoingoai")
    return create_meeting(secretary, delegates=[delegate])


def _upload(caller, item_id, path, name=None):
    return caller.post(
        f"/api/agenda/{item_id}/documents",
        data={"file": (io.BytesIO(path.read_bytes()), name or path.name)},
        content_type="multipart/form-data",
    )


def test_an_uploaded_document_reports_its_title_and_pages(meeting, api):
    item = meeting.agenda_items[0]
    response = _upload(api("thuky"), item.id, MEETING_PACK / "bao-cao-kinh-te-xa-hoi.pdf")
    assert response.status_code == 201
    body = response.get_json()
    assert body["page_count"] == 28
    assert body["title"].startswith("BÁO CÁO")
    document = api("daibieu1").get(f"/api/documents/{body['id']}").get_json()
    assert document["page_count"] == 28
    assert len(document["pages"]) == 28
    assert document["pages"][0] == {
        "number": 1,
        "width": 595.0,
        "height": 842.0,
        "rotation": 0,
        "scanned": False,
    }
    assert (document["pages"][3]["width"], document["pages"][3]["height"]) == (842.0, 595.0)
    assert (document["pages"][10]["width"], document["pages"][10]["height"]) == (842.0, 595.0)
    assert document["pages"][8]["scanned"] is True
    meeting_view = api("daibieu1").get(f"/api/meetings/{meeting.id}").get_json()
    assert meeting_view["agenda"][0]["documents"][0]["id"] == body["id"]


@pytest.mark.parametrize("bad_file", sorted(p.name for p in BAD_FILES.glob("*")))
def test_every_bad_file_gets_a_clear_vietnamese_4xx_and_nothing_is_stored(
    meeting, api, bad_file, create_document
):
    item = meeting.agenda_items[0]
    kept = create_document(meeting.memberships[0].user, item)
    response = _upload(api("thuky"), item.id, BAD_FILES / bad_file)
    assert 400 <= response.status_code < 500
    body = response.get_json()
    assert set(body) == {"error", "message"}
    assert any(ch in body["message"] for ch in "ăâđêôơưáàảãạệộ")
    documents = api("thuky").get(f"/api/meetings/{meeting.id}").get_json()["agenda"][0]["documents"]
    assert [d["id"] for d in documents] == [kept.id]


@pytest.mark.parametrize(
    ("bad_file", "code"),
    [
        ("encrypted.pdf", "pdf_encrypted"),
        ("not-a-pdf.pdf", "not_a_pdf"),
        ("html-disguised.pdf", "not_a_pdf"),
        ("empty.pdf", "file_empty"),
        ("huge-page.pdf", "page_too_large"),
        ("javascript-openaction.pdf", "pdf_active_content"),
    ],
)
def test_each_kind_of_bad_file_has_its_own_code(meeting, api, bad_file, code):
    response = _upload(api("thuky"), meeting.agenda_items[0].id, BAD_FILES / bad_file)
    assert response.get_json()["error"] == code


def test_a_pdf_is_recognised_by_its_content_not_its_name(meeting, api):
    response = _upload(
        api("thuky"), meeting.agenda_items[0].id, MEETING_PACK / "chuong-trinh-ky-hop.pdf", "tai-lieu.docx"
    )
    assert response.status_code == 201


def test_an_upload_without_a_file_is_refused(meeting, api):
    response = api("thuky").post(
        f"/api/agenda/{meeting.agenda_items[0].id}/documents", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "file_missing"


def test_an_upload_over_the_size_limit_gets_413_json(meeting, api, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = _upload(api("thuky"), meeting.agenda_items[0].id, MEETING_PACK / "chuong-trinh-ky-hop.pdf")
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_too_large"


def test_delegates_cannot_upload_and_outsiders_cannot_read(meeting, api, create_document):
    item = meeting.agenda_items[0]
    document = create_document(meeting.memberships[0].user, item)
    assert _upload(api("daibieu1"), item.id, MEETING_PACK / "chuong-trinh-ky-hop.pdf").status_code == 403
    outsider = api("nguoingoai")
    for path in ("", "/paragraphs", "/pages/1/image?width=800", "/pages/1/text"):
        response = outsider.get(f"/api/documents/{document.id}{path}")
        assert response.status_code == 404, path
        assert response.get_json()["error"] == "document_not_found"


def test_paragraphs_come_in_reading_order_with_page_and_box(meeting, api, create_document):
    document = create_document(meeting.memberships[0].user, meeting.agenda_items[0])
    paragraphs = api("daibieu1").get(f"/api/documents/{document.id}/paragraphs").get_json()
    numbered = [p for p in paragraphs if p["kind"] == "body" and p["text"][:3].rstrip(". ").isdigit()]
    assert [int(p["text"].split(".")[0]) for p in numbered] == list(range(1, 18))
    for paragraph in paragraphs:
        assert set(paragraph) >= {"id", "page", "bbox", "text"}
        x0, y0, x1, y1 = paragraph["bbox"]
        assert 0 <= x0 < x1 <= 595
        assert 0 <= y0 < y1 <= 842
    assert [p["number"] for p in paragraphs] == list(range(1, len(paragraphs) + 1))


def test_page_images_are_served_and_cached(meeting, api, create_document):
    document = create_document(
        meeting.memberships[0].user, meeting.agenda_items[0], "bao-cao-kinh-te-xa-hoi.pdf"
    )
    delegate = api("daibieu1")
    text_page = delegate.get(
        f"/api/documents/{document.id}/pages/1/image?width=1536", headers={"Accept-Encoding": "gzip"}
    )
    assert text_page.status_code == 200
    assert text_page.mimetype.startswith("image/")
    assert "immutable" in text_page.headers["Cache-Control"]
    scanned = delegate.get(f"/api/documents/{document.id}/pages/9/image?width=800")
    assert scanned.mimetype in {"image/png", "image/jpeg"}
    png = delegate.get(f"/api/documents/{document.id}/pages/2/image?width=800&format=png")
    assert png.data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "query",
    [
        "/pages/0/image",
        "/pages/29/image",
        "/pages/1/image?format=bmp",
        "/pages/1/image?format=webp",
        "/pages/1/image?width=abc",
    ],
)
def test_bad_page_requests_get_4xx_not_500(meeting, api, create_document, query):
    document = create_document(
        meeting.memberships[0].user, meeting.agenda_items[0], "bao-cao-kinh-te-xa-hoi.pdf"
    )
    response = api("daibieu1").get(f"/api/documents/{document.id}{query}")
    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert "error" in response.get_json()


def test_the_text_layer_gives_words_with_boxes_on_the_displayed_page(meeting, api, create_document):
    document = create_document(
        meeting.memberships[0].user, meeting.agenda_items[0], "bao-cao-kinh-te-xa-hoi.pdf"
    )
    rotated = api("daibieu1").get(f"/api/documents/{document.id}/pages/11/text").get_json()
    assert (rotated["width"], rotated["height"]) == (842.0, 595.0)
    assert rotated["words"]
    assert all(0 <= w[0] <= w[2] <= 842 and 0 <= w[1] <= w[3] <= 595 for w in rotated["words"])
    scanned = api("daibieu1").get(f"/api/documents/{document.id}/pages/9/text").get_json()
    assert scanned["words"] == []


def test_a_new_version_takes_the_old_ones_place_and_the_old_one_stays_readable(meeting, api, create_document):
    item = meeting.agenda_items[0]
    old = create_document(meeting.memberships[0].user, item, "du-thao-nghi-quyet-v1.pdf")
    response = api("thuky").post(
        f"/api/documents/{old.id}/replace",
        data={"file": (io.BytesIO((MEETING_PACK / "du-thao-nghi-quyet-v2.pdf").read_bytes()), "v2.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    new = response.get_json()
    assert new["version"] == 2
    listed = api("daibieu1").get(f"/api/meetings/{meeting.id}").get_json()["agenda"][0]["documents"]
    assert [d["id"] for d in listed] == [new["id"]]
    earlier = api("daibieu1").get(f"/api/documents/{old.id}")
    assert earlier.status_code == 200
    assert earlier.get_json()["status"] == "replaced"


def test_a_withdrawn_document_disappears_for_members(meeting, api, create_document):
    document = create_document(meeting.memberships[0].user, meeting.agenda_items[0])
    assert api("thuky").delete(f"/api/documents/{document.id}").status_code == 200
    assert api("daibieu1").get(f"/api/meetings/{meeting.id}").get_json()["agenda"][0]["documents"] == []
    assert api("daibieu1").get(f"/api/documents/{document.id}").status_code == 404


def test_reading_mode_gets_each_pages_paragraphs_with_their_words_in_reading_order(
    meeting, api, create_document
):
    document = create_document(
        meeting.memberships[0].user, meeting.agenda_items[0], "bao-cao-kinh-te-xa-hoi.pdf"
    )
    delegate = api("daibieu1")
    every = delegate.get(f"/api/documents/{document.id}/paragraphs").get_json()
    pages = []
    for first in range(1, 29, 10):
        response = delegate.get(f"/api/documents/{document.id}/text?from={first}&to={min(28, first + 9)}")
        assert response.status_code == 200
        pages += response.get_json()["pages"]
    assert [p["number"] for p in pages] == list(range(1, 29))
    listed = [paragraph for page in pages for paragraph in page["paragraphs"]]
    assert [p["id"] for p in listed] == [p["id"] for p in every]
    assert all(p["text"] for p in listed)
    assert all(p["page"] == page["number"] for page in pages for p in page["paragraphs"])
    scanned = pages[8]
    assert scanned["scanned"] is True
    assert scanned["has_text"] is False
    assert pages[0]["has_text"] is True


@pytest.mark.parametrize("query", ["from=0&to=2", "from=3&to=2", "from=1&to=11", "from=28&to=29", "from=a"])
def test_reading_mode_pages_out_of_range_get_a_clear_400(meeting, api, create_document, query):
    document = create_document(
        meeting.memberships[0].user, meeting.agenda_items[0], "bao-cao-kinh-te-xa-hoi.pdf"
    )
    response = api("daibieu1").get(f"/api/documents/{document.id}/text?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"] == "validation_error"
