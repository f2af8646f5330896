"""Active content in a PDF: what can act on the reader's machine, found and taken out.

A council PDF is read, not run. Code (JavaScript, Launch) is refused outright: no honest session
pack carries it. Everything else that acts by itself or reaches outside the file (forms that
submit or import data, links into other files, actions that run on open or on page events,
embedded files, rich media, XFA forms) is removed: a sanitized copy is stored and the uploader
is told what was removed. `annotate` strips again, so an export never carries any of it.

Detection reads every object's dictionary (MuPDF prints names with `#xx` escapes decoded), so
an element is found wherever it hides, and judges names, never text: the strings are taken out
before names are looked for, so a link to `.../JS` or a bookmark titled "/AA" is plain text.
Stripping works on the structure and is then checked by detection again.

A link is followed only when tapped, so a web link stays. A link whose URI has another scheme
(`javascript:`, `file:`, `data:`, `smb:`...) is taken out ("UnsafeLink"): only http, https,
mailto and tel links, and links with no scheme (a relative address), are kept.
"""

import re

import pymupdf

__all__ = ["REFUSED", "find_active", "strip_active"]

# Element names are what the uploader is told (and what error params carry); stable.
_PATTERNS = {
    "JavaScript": r"/(?:JavaScript|JS)",
    "Launch": r"/Launch",
    "SubmitForm": r"/SubmitForm",
    "ImportData": r"/ImportData",
    "GoToR": r"/GoToR",
    "GoToE": r"/GoToE",
    "EmbeddedFile": r"/(?:EmbeddedFiles?|EF)",
    "RichMedia": r"/(?:RichMedia\w*|Movie|Sound|Screen|Rendition)",
    "XFA": r"/XFA",
    "OpenAction": r"/(?:OpenAction|AA)",
    "UnsafeLink": r"/URI",  # found only where the URI's scheme is not one a reader may follow
}
_FOUND = {name: re.compile(pattern + r"(?![A-Za-z0-9#])") for name, pattern in _PATTERNS.items()}
REFUSED = ("JavaScript", "Launch")
_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "Launch",
    "/SubmitForm": "SubmitForm",
    "/ImportData": "ImportData",
    "/GoToR": "GoToR",
    "/GoToE": "GoToE",
    "/Movie": "RichMedia",
    "/Sound": "RichMedia",
    "/Rendition": "RichMedia",
    "/RichMediaExecute": "RichMedia",
}
_MEDIA_ANNOTS = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/FileAttachment", "/3D"}
# Keys that hold an action; an action's /Next chains more of them.
_ACTION_KEYS = ("A", "Next", "PA")
_REF = re.compile(r"(\d+) 0 R")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_STRING_PART = re.compile(r"[()\\]")
_HEX_STRING = re.compile(r"(?<!<)<[0-9A-Fa-f\s]*>")
_NULLED = re.compile(
    r"/(?:AA|A|Next|PA|OpenAction|JS|JavaScript|EF|EmbeddedFiles|XFA|Collection|RichMedia\w*) null"
    r"(?=[/>\]\s])"
)


def find_active(doc: pymupdf.Document) -> list[str]:
    """Names of the active elements anywhere in `doc`, in the order of `_PATTERNS`.

    An /OpenAction that only opens the file at a page (a destination, or a plain /GoTo) is
    not active content; any other one is.
    """
    found: set[str] = set()
    for xref in range(1, doc.xref_length()):
        text = names_only(doc.xref_object(xref, compressed=True))
        for name, pattern in _FOUND.items():
            if name not in found and name != "UnsafeLink" and pattern.search(text):
                found.add(name)
        if "UnsafeLink" not in found and _FOUND["UnsafeLink"].search(text) and _unsafe_uris(doc, xref):
            found.add("UnsafeLink")
    if "OpenAction" in found and not _acts_on_open(doc):
        found.discard("OpenAction")
    return [name for name in _PATTERNS if name in found]


def names_only(text: str) -> str:
    """An object as MuPDF prints it, its literal and hex strings emptied: text is not structure."""
    parts = []
    position = 0
    while True:
        start = text.find("(", position)
        if start < 0:
            parts.append(text[position:])
            break
        parts.append(text[position:start] + "()")
        depth, cursor = 1, start + 1
        while depth:
            match = _STRING_PART.search(text, cursor)
            if match is None:
                cursor = len(text)
                break
            cursor = match.end()
            if match.group() == "\\":
                cursor += 1
            else:
                depth += 1 if match.group() == "(" else -1
        position = cursor
    return _HEX_STRING.sub("<>", "".join(parts))


def unsafe_uri(uri: str) -> bool:
    """A link a tap should not follow: any scheme but the web's, mail and telephone. Browsers
    drop spaces and control characters inside a scheme (`java\tscript:`), so they are dropped here."""
    plain = "".join(char for char in uri if char > " ").lower()
    scheme = _SCHEME.match(plain)
    return scheme is not None and scheme.group(1) not in _SAFE_SCHEMES


def _unsafe_uris(doc: pymupdf.Document, xref: int) -> list[str]:
    """Where in object `xref` a URI action with an unsafe scheme sits: "" (the object is the
    action) or the key of an inline action (A, PA, Next)."""
    places = []
    for place in ("", *_ACTION_KEYS):
        kind, value = doc.xref_get_key(xref, f"{place}/URI" if place else "URI")
        if kind == "string" and unsafe_uri(value):
            places.append(place)
    return places


def _acts_on_open(doc: pymupdf.Document) -> bool:
    """True if any /AA exists, or the catalog's /OpenAction is an action other than /GoTo."""
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "AA")[0] != "null":
            return True
    catalog = doc.pdf_catalog()
    kind, _ = doc.xref_get_key(catalog, "OpenAction")
    if kind in ("null", "array"):
        return False
    plain_goto = doc.xref_get_key(catalog, "OpenAction/S") == ("name", "/GoTo")
    return not plain_goto or doc.xref_get_key(catalog, "OpenAction/Next")[0] != "null"


def strip_active(doc: pymupdf.Document) -> list[str]:
    """Remove every active element from `doc` in place; return the names of those found.

    The caller saves with garbage collection, so the objects cut loose here (embedded files,
    media) are dropped from the file, not just unlinked.
    """
    removed = find_active(doc)
    if not removed:
        return []
    catalog = doc.pdf_catalog()
    if "OpenAction" in removed:
        doc.xref_set_key(catalog, "OpenAction", "null")
    for key in ("Names/JavaScript", "Names/EmbeddedFiles", "AcroForm/XFA", "Collection"):
        if doc.xref_get_key(catalog, key)[0] != "null":
            doc.xref_set_key(catalog, key, "null")
    for xref in range(1, doc.xref_length()):
        _strip_object(doc, xref)
    for page in range(doc.page_count):
        _drop_media_annotations(doc, doc.page_xref(page))
    for xref in range(1, doc.xref_length()):
        _drop_null_keys(doc, xref)
    return removed


def _drop_null_keys(doc: pymupdf.Document, xref: int) -> None:
    """MuPDF unsets a key by setting it to null; other readers should not even see its name."""
    text = doc.xref_object(xref, compressed=True)
    cleaned = _NULLED.sub("", text)
    if cleaned != text:
        doc.update_object(xref, cleaned)


def _strip_object(doc: pymupdf.Document, xref: int) -> None:
    if doc.xref_is_stream(xref) and doc.xref_get_key(xref, "Type") == ("name", "/EmbeddedFile"):
        doc.update_stream(xref, b"")
    keys = doc.xref_get_keys(xref)
    if not keys:
        return
    unsafe = _unsafe_uris(doc, xref)
    if doc.xref_get_key(xref, "S")[1] in _ACTIONS or "" in unsafe:
        # An action object of its own: emptied, whoever points at it (annotation, outline, /Next).
        doc.update_object(xref, "<<>>")
        return
    for key in unsafe:
        doc.xref_set_key(xref, key, "null")
    for key in ("AA", "EF", "RichMediaContent", "RichMediaSettings", "JS"):
        if key in keys:
            doc.xref_set_key(xref, key, "null")
    for key in _ACTION_KEYS:
        if key in keys and _bad_inline_action(doc, xref, key):
            doc.xref_set_key(xref, key, "null")


def _bad_inline_action(doc: pymupdf.Document, xref: int, key: str) -> bool:
    kind, value = doc.xref_get_key(xref, key)
    if kind != "dict":
        return False  # a reference: the object it points at is checked on its own
    text = names_only(value)
    return any(
        pattern.search(text) for name, pattern in _FOUND.items() if name not in ("OpenAction", "UnsafeLink")
    )


def _drop_media_annotations(doc: pymupdf.Document, page_xref: int) -> None:
    kind, value = doc.xref_get_key(page_xref, "Annots")
    if kind == "xref":  # the array is an object of its own
        holder, key = int(value.split()[0]), None
        kind, value = "array", doc.xref_object(holder, compressed=True)
    else:
        holder, key = page_xref, "Annots"
    if kind != "array":
        return
    refs = [int(number) for number in _REF.findall(value)]
    keep = [ref for ref in refs if doc.xref_get_key(ref, "Subtype")[1] not in _MEDIA_ANNOTS]
    if len(keep) == len(refs):
        return
    for ref in set(refs) - set(keep):  # its popup may still point at it
        doc.update_object(ref, "<<>>")
    array = "[" + " ".join(f"{ref} 0 R" for ref in keep) + "]"
    if key is None:
        doc.update_object(holder, array)
    else:
        doc.xref_set_key(holder, key, array)
