"""Import the council's roster (CSV or XLSX): good rows become accounts, bad rows are reported by line."""

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from pydantic import ValidationError

from accounts.schemas import NewUser
from accounts.service import create_user, find_user, generate_password
from core.errors import AppError

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

    def to_dict(self) -> dict:
        return {"created": self.created, "problems": self.problems}


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


def import_roster(data: bytes) -> RosterReport:
    """Create one account per row; a row with a problem is reported and the others are kept."""
    rows = read_roster_rows(data)
    columns = [COLUMN_ALIASES.get(_header_key(cell)) for cell in rows[0]]
    if "username" not in columns:
        raise AppError("roster_unreadable")
    report = RosterReport()
    for line_number, row in enumerate(rows[1:], start=2):
        values = {
            name: str(value).strip() for name, value in zip(columns, row, strict=False) if name is not None
        }
        if not any(values.values()):
            continue
        _import_row(line_number, values, report)
    return report


def _import_row(line_number: int, values: dict, report: RosterReport) -> None:
    generated = not values.get("password")
    password = generate_password() if generated else values["password"]
    try:
        new_user = NewUser(**{**values, "password": password})
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
        return
    if find_user(new_user.username) is not None:
        error = AppError("username_taken", 409, username=new_user.username)
        report.problems.append({"line": line_number, "field": "username", **error.as_dict()})
        return
    user = create_user(new_user)
    report.created.append(
        {
            "line": line_number,
            "id": user.id,
            "username": user.username,
            "full_name": user.full_name,
            "password": password if generated else None,
        }
    )
