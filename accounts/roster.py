"""Import the council's roster (CSV or XLSX): good rows become accounts, bad rows are reported by line."""

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from pydantic import ValidationError

from accounts.models import User
from accounts.schemas import NewUser
from accounts.service import create_user, find_user, generate_password, hash_passwords
from core.errors import AppError
from core.offload import off_loop

# Header spellings seen in office spreadsheets, normalised by `_header_key`.
COLUMN_ALIASES = {
    "username": "username",
    "ten dang nhap": "username",
    "tai khoan": "username",
    "full name": "full_name",
    "ho va ten": "full_name",
    "ho ten": "full_name",
    "position": "position",
    "chuc vu": "position",
    "unit": "unit",
    "don vi": "unit",
    "password": "password",
    "mat khau": "password",
}


@dataclass
class RosterReport:
    created: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    # Rows naming an account that exists, when the caller keeps them (a council's roster).
    existing: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Kept for callers of the method; the shape is accounts.presenters'."""
        from accounts.presenters import roster_report_json

        return roster_report_json(self)


def _header_key(text: str) -> str:
    stripped = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    ascii_only = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return " ".join(ascii_only.lower().replace("_", " ").split())


def _rows_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AppError("roster_unreadable") from None
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # a single column has no delimiter to find
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error:
        raise AppError("roster_unreadable") from None


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many types for a bad workbook
        raise AppError("roster_unreadable") from None
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def read_roster_rows(data: bytes) -> list[list[str]]:
    """Sniff the format by content: XLSX is a ZIP file, anything else must be UTF-8 CSV."""
    if not data.strip():
        raise AppError("roster_unreadable")
    rows = _rows_from_xlsx(data) if data[:4] == b"PK\x03\x04" else _rows_from_csv(data)
    if not rows:
        raise AppError("roster_unreadable")
    return rows


def import_roster(data: bytes, actor: User | None = None, keep_existing: bool = False) -> RosterReport:
    """Create one account per row; a row with a problem is reported and the others are kept.
    With `keep_existing`, a row naming an existing account is listed, not refused.

    Parsing and password hashing (~110 ms a row) run off the event loop; the accounts are
    created on it. Imported delegates may not convene meetings.
    """
    rows = off_loop(read_roster_rows, data)
    columns = [COLUMN_ALIASES.get(_header_key(cell)) for cell in rows[0]]
    if "username" not in columns:
        raise AppError("roster_unreadable")
    report = RosterReport()
    accepted = []
    for line_number, row in enumerate(rows[1:], start=2):
        # A password is kept as typed, like everywhere else; other cells are trimmed.
        values = {
            name: str(value) if name == "password" else str(value).strip()
            for name, value in zip(columns, row, strict=False)
            if name is not None
        }
        if not any(value.strip() for value in values.values()):
            continue
        checked = _check_row(line_number, values, report)
        if checked is not None:
            accepted.append(checked)
    if keep_existing:
        accepted = [row for row in accepted if not _listed_as_existing(row, report)]
    hashes = hash_passwords([new_user.password for _, new_user, _ in accepted])
    for (line_number, new_user, generated), password_hash in zip(accepted, hashes, strict=True):
        _create_row(line_number, new_user, generated, password_hash, actor, report)
    report.problems.sort(key=lambda problem: problem["line"])
    return report


def _listed_as_existing(row: tuple[int, NewUser, bool], report: RosterReport) -> bool:
    line_number, new_user, _ = row
    user = find_user(new_user.username)
    if user is None:
        return False
    report.existing.append(
        {"line": line_number, "id": user.id, "username": user.username, "full_name": user.full_name}
    )
    return True


def _check_row(line_number: int, values: dict, report: RosterReport) -> tuple[int, NewUser, bool] | None:
    generated = not values.get("password")
    password = generate_password() if generated else values["password"]
    try:
        new_user = NewUser(**{**values, "password": password, "can_convene": False})
    except ValidationError as error:
        problem = error.errors()[0]
        field_name = ".".join(str(part) for part in problem["loc"])
        report.problems.append(
            {
                "line": line_number,
                "error": "validation_error",
                "field": field_name,
                "message": AppError("validation_error", detail=f"{field_name}: {problem['msg']}").message(),
            }
        )
        return None
    return line_number, new_user, generated


def _create_row(
    line_number: int, new_user: NewUser, generated: bool, password_hash: str, actor, report: RosterReport
) -> None:
    if find_user(new_user.username) is not None:
        error = AppError("username_taken", 409, username=new_user.username)
        report.problems.append({"line": line_number, "field": "username", **error.as_dict()})
        return
    user = create_user(new_user, actor=actor, password_hash=password_hash)
    report.created.append(
        {
            "line": line_number,
            "id": user.id,
            "username": user.username,
            "full_name": user.full_name,
            "password": new_user.password if generated else None,
        }
    )
