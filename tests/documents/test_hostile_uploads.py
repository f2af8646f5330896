"""Hostile uploads as the secretary and the chair see them: refused or cleaned, and said so."""

import io

import pymupdf
import pytest

from tests import hostile_pdfs as hostile


@pytest.fixture(autouse=True, scope="module")
def _quiet_mupdf():
    pymupdf.TOOLS.mupdf_display_errors(False)
    yield
    pymupdf.TOOLS.mupdf_display_errors(True)


@pytest.fixture
def meeting(create_user, create_meeting):
    return create_meeting(
        create_user("thuky"), chair=create_user("chutoa"), delegates=[create_user("daibieu1")]
    )


def _upload(caller, item_id, data: bytes, name="tai-lieu.pdf"):
    return caller.post(
        f"/api/agenda/{item_id}/documents",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_with_embedded_files_and_auto_actions_is_stored_clean_and_the_secretary_told(
    app, meeting, api
):
    response = _upload(api("thuky"), meeting.agenda_items[0].id, hostile.everything_strippable())

    assert response.status_code == 201
    body = response.get_json()
    assert {"EmbeddedFile", "SubmitForm", "OpenAction"} <= set(body["removed"])
    assert body["notice"].startswith("Đã gỡ bỏ khỏi tệp vì lý do an toàn: ")
    assert "tệp đính kèm" in body["notice"]
    from core.extensions import db
    from documents.models import Document

    digest = db.session.get(Document, body["id"]).sha256
    stored = app.extensions["documents"].store.local_path(digest).read_bytes()
    assert hostile.active_names_pymupdf(stored) == set()
    assert hostile.active_names_pypdf(stored) == set()


def test_the_notice_is_in_english_for_an_english_reader(meeting, api):
    response = api("thuky").post(
        f"/api/agenda/{meeting.agenda_items[0].id}/documents?lang=en",
        data={"file": (io.BytesIO(hostile.hostile("embedded-file")), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.get_json()["notice"] == "Removed from the file for safety: attached files."


def test_a_clean_upload_carries_no_notice(meeting, api):
    body = _upload(api("thuky"), meeting.agenda_items[0].id, hostile.with_web_link()).get_json()
    assert "removed" not in body
    assert "notice" not in body


def test_the_chairs_annotated_pdf_of_a_cleaned_upload_carries_none_of_it(meeting, api):
    document_id = _upload(
        api("thuky"), meeting.agenda_items[0].id, hostile.everything_strippable()
    ).get_json()["id"]

    response = api("chutoa").get(f"/api/documents/{document_id}/annotated.pdf")

    assert response.status_code == 200
    assert hostile.active_names_pymupdf(response.data) == set()
    assert hostile.active_names_pypdf(response.data) == set()


@pytest.mark.parametrize("name", ["launch", "javascript"])
def test_a_file_that_would_run_code_is_refused_naming_what_it_carries(meeting, api, name):
    response = _upload(api("thuky"), meeting.agenda_items[0].id, hostile.hostile(name))

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "pdf_active_content"
    assert hostile.REFUSED[name][1] in body["message"]
    assert body["message"].startswith("Tệp PDF có chứa mã tự chạy")


def test_a_pdf_bomb_is_refused_quickly_with_a_clear_reason(meeting, api):
    response = _upload(api("thuky"), meeting.agenda_items[0].id, hostile.form_bomb())

    assert response.status_code == 422
    assert response.get_json()["error"] == "pdf_too_complex"
    assert response.get_json()["message"].startswith("Tệp PDF quá phức tạp")
    assert api("daibieu1").get(f"/api/meetings/{meeting.id}").get_json()["agenda"][0]["documents"] == []
