"""Every Vietnamese UI string has its English translation (Vietnamese first, English second)."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT

SOURCE_DIRS = (
    "accounts",
    "annotations",
    "audit",
    "composition",
    "core",
    "councils",
    "documents",
    "floor",
    "meetings",
    "sittings",
    "storage",
    "templates",
)


def _extracted_msgids() -> set[str]:
    msgids = set()
    for folder in SOURCE_DIRS:
        method_map = [("**.py", "python"), ("**.html", "jinja2")]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map,
            keywords={
                "_": None,
                "_l": None,
                "gettext": None,
                "lazy_gettext": None,
                "ngettext": (1, 2),
                "plural_forms": (1, 2),
            },
        ):
            msgids.add(message if isinstance(message, str) else message[0])
    return msgids


def test_every_ui_string_has_an_english_translation():
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source)
    translated = {message.id for message in catalog if isinstance(message.id, str) and message.string}
    # A counted string is translated when every plural form is ("1 reply", "2 replies").
    translated |= {
        message.id[0] for message in catalog if isinstance(message.id, tuple) and all(message.string)
    }
    missing = sorted(_extracted_msgids() - translated)
    assert missing == [], f"{len(missing)} strings lack English: {missing[:10]}"
