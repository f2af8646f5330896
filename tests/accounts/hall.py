"""A hall for the login-storm test: a published meeting with one document, `live` delegates who
comment and `hall` more who log in at once, and an admin `quantri` who reads the audit trail;
every account has the password `HALL_PASSWORD`.

Built in a subprocess (`python -m tests.accounts.hall DIR LIVE HALL`) so the test process never
holds the app's database or PDF workers; prints the usernames and the document as JSON.
"""

import json
import os
import sys
from pathlib import Path

HALL_PASSWORD = "hoi-truong-2026"


def build(data_dir: Path, live: int, hall: int) -> dict:
    os.environ.update({"DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1"})
    from accounts.models import User
    from accounts.schemas import NewUser
    from accounts.service import create_user
    from composition.app import create_app
    from composition.demo_pack import demo_pack
    from core.extensions import db
    from documents.service import upload_document
    from meetings.schemas import NewAgendaItem, NewMeeting, NewMember
    from meetings.service import add_agenda_item, add_member, create_meeting, publish

    app = create_app()
    with app.app_context():
        secretary = create_user(NewUser(username="thuky", password=HALL_PASSWORD, full_name="Thư ký"))
        admin = User(
            username="quantri", full_name="Quản trị", is_admin=True, password_hash=secretary.password_hash
        )
        db.session.add(admin)
        # One production hash shared: checking it costs every login the same as its own would.
        people = [
            User(username=f"daibieu{n}", full_name=f"Đại biểu {n}", password_hash=secretary.password_hash)
            for n in range(1, live + hall + 1)
        ]
        db.session.add_all(people)
        db.session.flush()
        meeting = create_meeting(secretary, NewMeeting(title="Kỳ họp", starts_at="2026-12-01T08:00:00"))
        for person in people[:live]:
            add_member(secretary, meeting.id, NewMember(username=person.username, role="delegate"))
        item = add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Tài liệu"))
        _, title, filename, data = demo_pack()[1]
        document = upload_document(secretary, item.id, filename, data, title, app.extensions["documents"])
        publish(secretary, meeting.id)
        result = {
            "document_id": document.id,
            "live": [person.username for person in people[:live]],
            "hall": [person.username for person in people[live:]],
        }
        db.session.commit()
        db.engine.dispose()
    app.extensions["documents"].pool.close()
    return result


def build_in_subprocess(data_dir: Path, live: int, hall: int) -> dict:
    """`build` in a process of its own, on the hall's own database in either pass (the test
    process never holds the app's database or PDF workers)."""
    import subprocess

    from tests.databases import data_env
    from tests.live_server import ROOT

    built = subprocess.run(
        [sys.executable, "-m", "tests.accounts.hall", str(data_dir), str(live), str(hall)],
        cwd=ROOT,
        env={**os.environ, **data_env(data_dir)},
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(built.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(build(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
