"""Small helpers shared by the HTTP adapters."""

from flask import request

from core.errors import AppError


def json_body() -> dict:
    """The request's JSON object, or a clear 400 for anything else."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise AppError("invalid_json")
    return payload
