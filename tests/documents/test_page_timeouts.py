"""A page that takes too long to draw is drawn once: after that a clear placeholder stands in,
so views and thumbnails no longer hold a worker for the whole time bound each."""

import io

import pytest

from storage import placeholders
from storage.pdf.complexity import ComplexityLimits
from storage.pdf.ingest import PdfLimits
from storage.workers import PdfWorkerPool
from tests import hostile_pdfs

# Let the 0.02 pt pattern past the upload check, as a file accepted before the check existed is.
LIFTED = PdfLimits(complexity=ComplexityLimits(max_pattern_cells=10**15))


class CountingPool(PdfWorkerPool):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.renders = 0

    def render(self, *args, **kwargs):
        self.renders += 1
        return super().render(*args, **kwargs)

    def reader_page(self, *args, **kwargs):
        self.renders += 1
        return super().reader_page(*args, **kwargs)


@pytest.fixture
def slow_page(app, api, create_user, create_meeting, pdf_pool):
    """A document whose one page runs past a 1 s render bound, and the pool that counts renders."""
    meeting = create_meeting(create_user("thuky"), delegates=[create_user("daibieu1")])
    runtime = app.extensions["documents"]
    runtime.limits = LIFTED
    response = api("thuky").post(
        f"/api/agenda/{meeting.agenda_items[0].id}/documents",
        data={"file": (io.BytesIO(hostile_pdfs.fine_pattern(step=0.02)), "hoa-van.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    pool = CountingPool(size=1, timeout_s=1)
    runtime.pool = pool
    yield response.get_json()["id"], pool
    runtime.pool = pdf_pool
    pool.close()


def test_a_page_that_timed_out_shows_a_placeholder_and_is_not_drawn_again(api, slow_page):
    document_id, pool = slow_page
    reader = api("daibieu1")

    first = reader.get(f"/api/documents/{document_id}/pages/1/image?width=1024&format=png")
    again = [
        reader.get(f"/api/documents/{document_id}/pages/1/image?width={width}") for width in (320, 1024, 2048)
    ]
    view = reader.get(f"/api/documents/{document_id}/pages/1/view")

    assert pool.renders == 1
    for response in (first, *again):
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert "quá phức tạp để hiển thị" in response.get_data(as_text=True)
        assert "immutable" not in response.headers["Cache-Control"]
    assert view.status_code == 200
    assert view.get_json()["raster"] is True  # the reader then shows the placeholder image


def test_a_remembered_time_out_is_forgotten_after_a_while():
    assert placeholders.still_remembered(placeholders.marker(now=1000.0), now=1000.0 + 60)
    assert not placeholders.still_remembered(
        placeholders.marker(now=1000.0), now=1000.0 + placeholders.REMEMBER_TIMEOUT_S + 1
    )
