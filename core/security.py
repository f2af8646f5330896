"""Request guards that hold for every feature: cross-site writes and impossible ids."""

from urllib.parse import urlsplit

from flask import request
from werkzeug.routing import IntegerConverter

from core.errors import AppError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BoundedIntConverter(IntegerConverter):
    """Ids past a 64-bit integer cannot exist; refusing them in routing spares the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def refuse_cross_site_writes() -> None:
    """A page on another site (or another port of the council's server) must not act with a
    delegate's session cookie. Browsers name the page's origin on every write; API clients
    that send a bearer token, or no browser headers at all, are not affected."""
    if request.method in SAFE_METHODS or request.headers.get("Authorization", "").lower().startswith(
        "bearer "
    ):
        return
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        raise AppError("cross_site_request", 403)
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise AppError("cross_site_request", 403)
