"""What a delegate's phone downloads over a weak 4G link: compressed, cached for good, page by page."""

import json
import re
import socket

import brotli
import pytest
from gevent import pywsgi

from core.serving import LowLatencyHandler

REPORT = "bao-cao-kinh-te-xa-hoi.pdf"


@pytest.fixture
def report(create_user, create_meeting, create_document):
    secretary = create_user("thuky")
    create_user("daibieu1")
    meeting = create_meeting(secretary, delegates=[create_user("daibieu2")])
    return create_document(secretary, meeting.agenda_items[0], REPORT)


def test_pages_and_answers_are_sent_compressed_with_brotli_or_gzip(report, api, client, token_for):
    delegate = api("daibieu2")
    html = delegate.get(f"/documents/{report.id}", headers={"Accept-Encoding": "br, gzip"})
    assert html.headers["Content-Encoding"] == "br"
    assert "Chọn chữ" in brotli.decompress(html.data).decode()
    as_gzip = delegate.get(f"/documents/{report.id}", headers={"Accept-Encoding": "gzip"})
    assert as_gzip.headers["Content-Encoding"] == "gzip"
    paragraphs = delegate.get(f"/api/documents/{report.id}/paragraphs", headers={"Accept-Encoding": "br"})
    assert paragraphs.headers["Content-Encoding"] == "br"
    assert len(paragraphs.data) < len(brotli.decompress(paragraphs.data)) / 4
    plain = delegate.get(f"/api/documents/{report.id}/paragraphs")
    assert "Content-Encoding" not in plain.headers
    assert json.loads(plain.data)[0]["page"] == 1


def test_scripts_and_styles_are_kept_by_the_browser_without_asking_again(report, api, app):
    html = api("daibieu2").get(f"/documents/{report.id}").get_data(as_text=True)
    scripts = re.findall(r'src="(/static/[0-9a-f]{12}/[^"]+)"', html)
    styles = re.findall(r'href="(/static/[0-9a-f]{12}/[^"]+\.css)"', html)
    assert any(path.endswith("js/reader/main.js") for path in scripts)
    assert styles
    for path in scripts + styles:
        response = api("daibieu2").get(path, headers={"Accept-Encoding": "br"})
        response.close()
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        if int(response.headers["Content-Length"]) >= app.config["COMPRESS_MIN_SIZE"]:
            assert response.headers["Content-Encoding"] == "br", path


def test_a_page_from_an_older_release_still_gets_its_scripts_but_checks_them_again(client):
    response = client.get("/static/0123456789ab/js/reader/main.js")
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_reader_page_holds_no_document_content(report, api):
    """Paragraphs and words come page by page; the page itself only sizes the pages."""
    html = api("daibieu2").get(f"/documents/{report.id}").get_data(as_text=True)
    first_paragraph = api("daibieu2").get(f"/api/documents/{report.id}/paragraphs").get_json()[5]["text"]
    assert first_paragraph[:40] not in html


def test_the_reader_page_does_not_grow_with_the_page_count(create_user, create_meeting, create_document, api):
    """Each page's slot, thumbnail and reading-mode section is built in the browser from page runs."""
    secretary = create_user("thuky")
    meeting = create_meeting(
        secretary, delegates=[create_user("daibieu2")], agenda=("Nội dung 1", "Nội dung 2")
    )
    long = create_document(secretary, meeting.agenda_items[0], REPORT, title="Tài liệu")
    short = create_document(secretary, meeting.agenda_items[1], "chuong-trinh-ky-hop.pdf", title="Tài liệu")
    assert long.page_count >= 5 * short.page_count
    sizes = [len(api("daibieu2").get(f"/documents/{d.id}").get_data()) for d in (short, long)]
    assert abs(sizes[1] - sizes[0]) < 300  # ids, page counts, a run or two of other page sizes


def test_a_page_view_brings_the_page_and_its_words_in_one_answer(report, api):
    delegate = api("daibieu2")
    response = delegate.get(f"/api/documents/{report.id}/pages/2/view", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    view = json.loads(brotli.decompress(response.data))
    assert (view["page"], view["glyphs"]) == (2, 0)
    assert any("Khe Bành" in line[2] for line in view["lines"])
    assert len(response.data) < 12 * 1024
    sheet = delegate.get(f"/api/documents/{report.id}/glyphs/0", headers={"Accept-Encoding": "gzip"})
    assert (sheet.status_code, sheet.headers["Content-Encoding"]) == (200, "gzip")
    scan = delegate.get(f"/api/documents/{report.id}/pages/9/view").get_json()
    assert scan["raster"] is True


def test_a_client_that_accepts_no_compression_gets_plain_bytes(report, api):
    response = api("daibieu2").get(
        f"/api/documents/{report.id}/pages/2/view", headers={"Accept-Encoding": ""}
    )
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["page"] == 2


def test_the_reader_asks_for_one_pages_paragraphs_without_their_words(report, api):
    delegate = api("daibieu2")
    everything = delegate.get(f"/api/documents/{report.id}/paragraphs").get_json()
    on_page_2 = delegate.get(f"/api/documents/{report.id}/paragraphs?page=2").get_json()
    expected = [p["id"] for p in everything if p["page"] == 2 or 2 in [part["page"] for part in p["parts"]]]
    assert [p["id"] for p in on_page_2] == expected
    assert all("text" not in p and "bbox" in p for p in on_page_2)
    named = delegate.get(f"/api/documents/{report.id}/paragraphs?ids={expected[0]},{expected[-1]}").get_json()
    assert [p["text"] for p in named] == [
        everything[i]["text"] for i, p in enumerate(everything) if p["id"] in (expected[0], expected[-1])
    ]


@pytest.mark.parametrize(
    "query", ["page=abc", "page=-1", "ids=1,,2", "ids=x", "ids=" + ",".join(["1"] * 501)]
)
def test_a_malformed_paragraph_filter_is_refused_clearly(report, api, query):
    response = api("daibieu2").get(f"/api/documents/{report.id}/paragraphs?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"] == "validation_error"


def test_an_outsider_gets_no_page_view_nor_glyphs(report, api):
    outsider = api("daibieu1")
    assert outsider.get(f"/api/documents/{report.id}/pages/2/view").status_code == 404
    assert outsider.get(f"/api/documents/{report.id}/glyphs/0").status_code == 404


def test_a_thumbnail_of_a_text_page_is_a_small_jpeg(report, api):
    response = api("daibieu2").get(f"/api/documents/{report.id}/pages/2/image?width=320")
    assert response.mimetype == "image/jpeg"
    assert len(response.data) <= 12 * 1024


def test_the_server_turns_off_nagles_algorithm_on_every_connection():
    """Headers and body written apart must not wait ~40 ms for the client's delayed ACK."""
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    accepted, address = listener.accept()
    try:
        server = pywsgi.WSGIServer(listener, lambda environ, start: [], handler_class=LowLatencyHandler)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        LowLatencyHandler(accepted, address, server)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for sock in (client, accepted, listener):
            sock.close()
