"""The chair and the secretary download the draft minutes of their meeting as PDF and DOCX."""

import io
import subprocess

import docx
import pytest

from audit.models import AuditEvent
from documents.models import Paragraph


@pytest.fixture
def commented(people, document, create_annotation):
    paragraph = (
        Paragraph.query.filter_by(document_id=document.id, kind="body").order_by(Paragraph.number).first()
    )
    create_annotation(people["daibieu1"], document, paragraph=paragraph, body="Đề nghị bổ sung nguồn vốn.")
    create_annotation(people["daibieu2"], document, paragraph=paragraph, body="Thống nhất với dự thảo.")
    return document


def _pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "bien-ban.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.mark.parametrize("who", ["chutoa", "thuky"])
def test_the_chair_and_the_secretary_download_the_minutes_pdf(api, meeting, people, commented, who, tmp_path):
    response = api(who).get(f"/api/meetings/{meeting.id}/minutes.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _pdf_text(response.data, tmp_path)
    assert "BIÊN BẢN Kỳ họp thứ Mười hai" in text
    assert f"Chủ tọa: {people['chutoa'].display_name}" in text
    assert f"Thư ký: {people['thuky'].display_name}" in text
    assert f"{commented.title}: 2 ý kiến của 2 đại biểu." in text
    assert "PHỤ LỤC" in text  # the digest of written comments, appended
    assert "Đề nghị bổ sung nguồn vốn." in text


def test_the_appendix_starts_on_a_page_of_its_own(api, meeting, commented, tmp_path):
    path = tmp_path / "bien-ban.pdf"
    path.write_bytes(api("thuky").get(f"/api/meetings/{meeting.id}/minutes.pdf").data)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    appendix = next(page for page in out.stdout.split("\f") if "PHỤ LỤC" in page)
    assert "Nơi nhận" not in appendix
    assert appendix.split("PHỤ LỤC")[0].strip() in ("", "2", "3")  # at most the page number before it


def test_the_minutes_docx_lists_the_agenda_and_documents(api, meeting, commented):
    response = api("thuky").get(f"/api/meetings/{meeting.id}/minutes.docx")
    assert response.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
    assert "I. Dự thảo nghị quyết" in paragraphs
    assert "II. Chương trình" in paragraphs
    assert f"- {commented.title}: 2 ý kiến của 2 đại biểu." in paragraphs
    # No sitting recorded yet: left to fill in, of the roster's five (secretary, chair, three delegates).
    assert "Đại biểu có mặt: …/5." in " ".join(paragraphs)


def test_a_delegate_may_not_download_the_draft_minutes(api, meeting):
    assert api("daibieu1").get(f"/api/meetings/{meeting.id}/minutes.pdf").status_code == 403
    assert api("nguoingoai").get(f"/api/meetings/{meeting.id}/minutes.docx").status_code == 404


def test_each_download_of_the_minutes_is_on_the_audit_trail(api, meeting, people):
    api("chutoa").get(f"/api/meetings/{meeting.id}/minutes.docx")
    events = AuditEvent.query.filter_by(action="exported", meeting_id=meeting.id).all()
    assert [e.detail.get("export") for e in events] == ["minutes.docx"]
    assert events[0].actor_id == people["chutoa"].id
