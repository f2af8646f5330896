"""`flask demo`: a ready meeting so the first run of the app shows something real."""

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from accounts.models import User
from accounts.schemas import NewUser
from accounts.service import create_user
from core.clock import VIETNAM
from core.errors import AppError
from core.extensions import db
from core.transactions import unit_of_work
from councils.schemas import NewCouncil, NewOfficer, NewRosterMember
from councils.service import add_officer, add_to_roster, create_council
from documents.service import upload_document
from floor.demo import add_demo_floor
from meetings.models import Role
from meetings.schemas import NewAgendaItem, NewMeeting, NewMember
from meetings.service import add_agenda_item, add_member, create_meeting, publish, rename_agenda_item
from minutes.demo import add_demo_minutes
from sittings.demo import add_demo_sitting
from storage.pdf.shared import PdfRejected

DEMO_PASSWORD = "phonghop"
# After the 2025 reform a province's communes each have a council; the demo is one of them.
DEMO_COUNCIL = NewCouncil(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa", level="commune")
DEMO_PEOPLE = [
    ("secretary", "Nguyễn Thị Thu", "Chuyên viên Văn phòng HĐND", Role.SECRETARY),
    ("chair", "Hoàng Văn Quang", "Chủ tịch HĐND xã", Role.CHAIR),
    ("delegate1", "Lường Thị Mai", "Đại biểu HĐND xã", Role.DELEGATE),
    ("delegate2", "Ma Văn Dũng", "Đại biểu HĐND xã", Role.DELEGATE),
    ("delegate3", "Triệu Thị Hoa", "Đại biểu HĐND xã", Role.DELEGATE),
    ("delegate4", "La Văn Sơn", "Đại biểu HĐND xã", Role.DELEGATE),
    ("delegate5", "Đàm Thị Lan", "Đại biểu HĐND xã", Role.DELEGATE),
]


def _pack_from_dir(folder: Path) -> list[tuple[str, None, str, bytes]]:
    """One agenda item per PDF; titles come from the documents themselves."""
    files = sorted(folder.glob("*.pdf"))
    if not files:
        raise click.ClickException(f"Không có tệp PDF nào trong {folder}.")
    return [(f.stem.replace("-", " ").capitalize(), None, f.name, f.read_bytes()) for f in files]


def _check_pack(files, runtime) -> None:
    """Refuse a bad pack before anything is created, so a failed run leaves the database empty."""
    for _, _, filename, data in files:
        try:
            runtime.pool.ingest(data, runtime.limits)
        except PdfRejected as rejection:
            raise click.ClickException(
                f"{filename}: {AppError(rejection.code, **rejection.params).message()}"
            ) from None


@click.command("demo")
@click.option(
    "--pack",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Thư mục PDF dùng làm tài liệu (mặc định: bộ tài liệu mẫu của dự án).",
)
@unit_of_work
def demo_command(pack: Path | None) -> None:
    """Fill an empty database with a published demo meeting and print its logins."""
    if db.session.scalar(select(func.count(User.id))):
        click.echo("Cơ sở dữ liệu đã có dữ liệu; bỏ qua việc tạo dữ liệu mẫu.")
        return
    # Pre-render right here: a background thread would die with this short-lived command.
    runtime = replace(current_app.extensions["documents"], schedule=lambda task, *args: task(*args))
    if pack is None:
        # Typesetting imports PyMuPDF: only this command pays for it, never the server process.
        from composition.demo_pack import demo_pack

    files = _pack_from_dir(pack) if pack else demo_pack()
    _check_pack(files, runtime)
    admin = create_user(
        NewUser(username="admin", password=DEMO_PASSWORD, full_name="Quản trị hệ thống", is_admin=True)
    )
    people = {
        username: create_user(
            NewUser(
                username=username,
                password=DEMO_PASSWORD,
                full_name=name,
                position=position,
                unit=DEMO_COUNCIL.name,
                can_convene=role == Role.SECRETARY,
            )
        )
        for username, name, position, role in DEMO_PEOPLE
    }
    secretary = people["secretary"]
    council = create_council(admin, DEMO_COUNCIL)
    add_officer(admin, council.id, NewOfficer(username=secretary.username))
    for username, _, _, _ in DEMO_PEOPLE[1:]:
        add_to_roster(secretary, council.id, NewRosterMember(username=username))
    meeting = create_meeting(
        secretary,
        NewMeeting(
            title="Kỳ họp thứ Mười hai, HĐND xã Thần Sa nhiệm kỳ 2021–2026",
            starts_at=(datetime.now(VIETNAM) + timedelta(days=2)).replace(
                hour=8, minute=0, second=0, microsecond=0
            ),
            location="Hội trường UBND xã Thần Sa",
            council_id=council.id,
        ),
    )
    for username, _, _, role in DEMO_PEOPLE[1:]:
        add_member(secretary, meeting.id, NewMember(username=username, role=role))
    for item_title, document_title, filename, data in files:
        item = add_agenda_item(secretary, meeting.id, NewAgendaItem(title=item_title))
        document = upload_document(secretary, item.id, filename, data, document_title, runtime)
        if pack and document.title:
            rename_agenda_item(secretary, item.id, NewAgendaItem(title=document.title))
    publish(secretary, meeting.id)
    add_demo_sitting(secretary, people["chair"], meeting, [people[f"delegate{n}"] for n in range(1, 6)])
    click.echo(f"Đã tạo kỳ họp mẫu “{meeting.title}” (id {meeting.id}).")
    click.echo(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
    click.echo(f"  {admin.username:<10} quản trị viên")
    for username, name, _, role in DEMO_PEOPLE:
        click.echo(f"  {username:<10} {role.value:<9} {name}")
    add_demo_floor(secretary, meeting, DEMO_PASSWORD)
    add_demo_minutes(secretary, meeting)
