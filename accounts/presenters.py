"""Accounts as JSON: the one place a user, a login or an import report is shaped for clients."""


def user_json(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "unit": user.unit,
        "is_admin": user.is_admin,
        "is_active": user.is_active_account,
        "can_convene": user.may_convene,
    }


def created_user_json(user) -> dict:
    return {"id": user.id, "username": user.username}


def login_json(token: str, user) -> dict:
    """What a login answers: the bearer token for this device, and who it speaks for."""
    return {"token": token, "user": user_json(user)}


def roster_report_json(report) -> dict:
    return {"created": report.created, "existing": report.existing, "problems": report.problems}
