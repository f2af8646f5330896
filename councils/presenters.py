"""Councils as JSON: the one place a council, an officer or a delegate on its roster is shaped."""


def council_json(council) -> dict:
    return {"id": council.id, "name": council.name, "place": council.place, "level": council.level}


def officer_json(officer) -> dict:
    return {"council_id": officer.council_id, "user_id": officer.user_id}


def person_json(user) -> dict:
    """A delegate as the roster lists them."""
    return {
        "user_id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "unit": user.unit,
        "active": user.is_active,
    }
