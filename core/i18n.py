"""Vietnamese first, English second: locale choice and catalogs compiled at start-up."""

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request
from flask_babel import ngettext

SOURCE_DIR = Path(__file__).resolve().parent.parent / "translations"


def select_locale() -> str:
    """An explicit choice (?lang=, then the cookie) wins; otherwise Vietnamese."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and background tasks speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in supported:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogs(target: Path) -> Path:
    """Compile the committed .po files into `target`, so no build step is needed to run."""
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as source:
            catalog = read_po(source)
        # A temporary file of its own: processes starting together on one DATA_DIR each write one.
        descriptor, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=".messages-")
        with os.fdopen(descriptor, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo_path)
    return target


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A counted string for the browser, in the forms `Intl.PluralRules` names ("1 reply",
    "2 replies"); Vietnamese has one form. PH.t picks the form by the `count` or `n` it fills in."""
    return {"one": ngettext(singular, plural, 1), "other": ngettext(singular, plural, 2)}
