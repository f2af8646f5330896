"""`flask demo` gives a fresh install a real, published meeting to look at."""

from sqlalchemy import func, select

from accounts.models import User
from accounts.service import find_user
from composition.demo import DEMO_COUNCIL
from core.extensions import db
from councils.models import Council, CouncilLevel
from meetings.models import Meeting
from meetings.service import visible_meetings
from tests.conftest import MEETING_PACK


def test_the_demo_typesets_its_own_pack_and_prints_the_logins(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for login in ("secretary", "chair", "delegate1", "delegate5", "phonghop"):
        assert login in result.output
    [meeting] = visible_meetings(find_user("delegate1"))
    assert meeting.is_published
    documents = [doc for item in meeting.agenda_items for doc in item.documents]
    assert [doc.title for doc in documents][1] == "Tờ trình về Đề án chuyển đổi số"
    assert all(doc.page_count >= 1 for doc in documents)


def test_the_demo_takes_a_folder_of_pdfs(app):
    result = app.test_cli_runner().invoke(args=["demo", "--pack", str(MEETING_PACK)])
    assert result.exit_code == 0, result.output
    [meeting] = visible_meetings(find_user("chair"))
    titles = [item.title for item in meeting.agenda_items]
    assert len(titles) == len(list(MEETING_PACK.glob("*.pdf")))
    assert any(title.startswith("BÁO CÁO") for title in titles)


def test_the_demos_agenda_is_numbered_in_the_packs_order(app):
    """All items are added in the command's one transaction; each still gets the next number."""
    result = app.test_cli_runner().invoke(args=["demo", "--pack", str(MEETING_PACK)])
    assert result.exit_code == 0, result.output
    [meeting] = visible_meetings(find_user("chair"))
    assert [item.position for item in meeting.agenda_items] == list(range(1, len(meeting.agenda_items) + 1))
    files = sorted(MEETING_PACK.glob("*.pdf"))
    firsts = [item.documents[0].original_filename for item in meeting.agenda_items]
    assert firsts == [f.name for f in files]


def test_the_demo_leaves_a_database_with_data_alone(app, create_user):
    create_user("quantri", admin=True)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0
    assert find_user("delegate1") is None


def test_a_pack_with_a_bad_file_is_refused_before_anything_is_created(app, tmp_path):
    (tmp_path / "1-good.pdf").write_bytes((MEETING_PACK / "chuong-trinh-ky-hop.pdf").read_bytes())
    (tmp_path / "2-bad.pdf").write_bytes(b"<html>not a pdf</html>")
    result = app.test_cli_runner().invoke(args=["demo", "--pack", str(tmp_path)])
    assert result.exit_code == 1
    assert "2-bad.pdf" in result.output
    assert find_user("secretary") is None


def test_a_demo_that_fails_midway_leaves_the_database_as_it_was(app, tmp_path):
    """The accounts come first, the council after them: a council of the demo's name already
    there stops the command midway, and the accounts it had made are gone with it."""
    db.session.add(Council(name=DEMO_COUNCIL.name, place=DEMO_COUNCIL.place, level=CouncilLevel.COMMUNE))
    db.session.commit()
    (tmp_path / "1-chuong-trinh.pdf").write_bytes((MEETING_PACK / "chuong-trinh-ky-hop.pdf").read_bytes())
    result = app.test_cli_runner().invoke(args=["demo", "--pack", str(tmp_path)])
    assert result.exit_code != 0
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    assert db.session.scalar(select(func.count(Council.id))) == 1
