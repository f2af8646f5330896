"""Printed labels and legal structure: what delegates read out ("Điều 2, khoản 1", "đoạn 596").

Pure Python over the paragraphs' texts in reading order, so ingest computes them in the
worker and the migration that added them computes them for documents stored before.

A paragraph's `label` is the marker printed at its start without its punctuation: "596" for
"596. ...", "a" for "a) ...", "2" for "Điều 2. ...", "I" for "I. ..." or "Chương I"; None when
nothing is printed (a bullet is not a label). Vietnamese legal drafts (those with an "Điều N"
heading) nest as Chương > Mục > Điều > khoản ("1.") > điểm ("a)"); each paragraph's `path`
holds the levels it sits in, e.g. {"dieu": "2", "khoan": "1", "diem": "a"}, and is None in
other documents and in a legal draft's preamble, before its first Chương or Điều.
"""

import re

LEVELS = ("chuong", "muc", "dieu", "khoan", "diem")
LEVEL_NAMES = {"chuong": "Chương", "muc": "Mục", "dieu": "Điều", "khoan": "khoản", "diem": "điểm"}

_CHAPTER = re.compile(r"(?i)(chương|mục)\s+([IVXLC]{1,6}|\d{1,3})(?=[\s.:]|$)")
_ARTICLE = re.compile(r"(?i)điều\s+(\d{1,4}[a-zđ]?)(?=[\s.:]|$)")
# At most four levels ("1.2.3.4"): a label must fit Paragraph.label (16 characters).
_NUMBER = re.compile(r"(\d{1,4}(?:\.\d{1,3}){0,3})[.)](?=\s|$)")
_LETTER = re.compile(r"([a-zđ])[.)](?=\s|$)")
_ROMAN = re.compile(r"([IVXLC]{1,6})[.)](?=\s|$)")

Path = dict[str, str]


def printed_label(text: str) -> tuple[str | None, str | None]:
    """The label printed at the start of `text` and what kind of marker it is, or (None, None)."""
    text = text.lstrip()
    for kind, pattern in (("chapter", _CHAPTER), ("article", _ARTICLE)):
        if match := pattern.match(text):
            if kind == "chapter":
                return match.group(2).upper(), "chuong" if match.group(1).casefold() == "chương" else "muc"
            return match.group(1), "dieu"
    for kind, pattern in (("number", _NUMBER), ("letter", _LETTER), ("roman", _ROMAN)):
        if match := pattern.match(text):
            return match.group(1), kind
    return None, None


def label_paragraphs(texts: list[str]) -> list[tuple[str | None, Path | None]]:
    """Each paragraph's printed label and its place in a legal draft's structure."""
    marks = [printed_label(text) for text in texts]
    legal = any(kind == "dieu" for _, kind in marks)
    context: Path = {}
    out: list[tuple[str | None, Path | None]] = []
    for label, kind in marks:
        if legal:
            context = _step(context, label, kind)
        out.append((label, dict(context) if context else None))
    return out


def _step(context: Path, label: str | None, kind: str | None) -> Path:
    """The structure after a paragraph with this marker: a level opens and closes those below it."""
    if kind in ("chuong", "muc", "dieu"):
        return {**_above(context, kind), kind: label}
    if "dieu" not in context:  # preamble numbering ("1. Căn cứ ...") is not a khoản
        return context
    if kind == "number" and "." not in label:
        return {**_above(context, "khoan"), "khoan": label}
    if kind == "letter":
        return {**_above(context, "diem"), "diem": label}
    return context


def _above(context: Path, level: str) -> Path:
    keep = LEVELS[: LEVELS.index(level)]
    return {key: value for key, value in context.items() if key in keep}


def citation(label: str | None, path: Path | None, text: str | None = None) -> str | None:
    """How a delegate cites the paragraph: "Điều 2, khoản 1, điểm a", "Đoạn 596"; an unlabelled
    one by its opening words ("Đoạn “Kính gửi: Hội đồng nhân dân…”"), never by its rank, which
    would read like the "1." printed on another; None if unlabelled and `text` is not given.

    Điều numbers run through the whole draft, so Chương and Mục are named only above the first Điều.
    """
    if path:
        levels = [lv for lv in LEVELS if lv in path]
        levels = levels[levels.index("dieu") :] if "dieu" in path else levels[-1:]
        return ", ".join(f"{LEVEL_NAMES[lv]} {path[lv]}" for lv in levels)
    if label is None:
        return f"Đoạn {opening(text)}" if text and text.strip() else None
    if label.isdigit() or "." in label:
        return f"Đoạn {label}"
    if _ROMAN.fullmatch(label + "."):
        return f"Mục {label}"
    return f"Điểm {label}"


OPENING_WORDS = 6


def opening(text: str) -> str:
    """The first words of a paragraph, quoted: how one names a paragraph nothing is printed on."""
    words = text.split()
    head = " ".join(words[:OPENING_WORDS])
    return f"“{head}…”" if len(words) > OPENING_WORDS else f"“{head}”"


def distinct_citations(paragraphs: list[tuple[str | None, Path | None, str, int]]) -> list[str]:
    """A name for each paragraph of one document, (label, path, text, page) in reading order,
    that cites it and no other: where two would read alike ("Điều 1" for the article's heading
    and its text; "Đoạn 1" under both "I." and "II."), the unlabelled one adds its opening words,
    a numbered one its section ("Mục II, đoạn 1"), and what still clashes its page, then its rank."""
    names, sections, section = [], [], None
    for label, path, text, _page in paragraphs:
        if path is None and label is not None and _ROMAN.fullmatch(label + ".") and not label.isdigit():
            section = label
        names.append(citation(label, path, text) or f"Đoạn {len(names) + 1}")
        sections.append(section)
    clashes = _clashes(names)
    for i, (label, path, text, _page) in enumerate(paragraphs):
        if i not in clashes:
            continue
        if label is None and path and text.strip():
            names[i] = f"{names[i]}, đoạn {opening(text)}"
        elif label is not None and path is None and sections[i] and sections[i] != label:
            names[i] = f"Mục {sections[i]}, {names[i][0].lower()}{names[i][1:]}"
    rest = _clashes(names)
    paged = [f"{name} (trang {paragraphs[i][3]})" if i in rest else name for i, name in enumerate(names)]
    still = _clashes(paged)
    return [f"{names[i]} (đoạn thứ {i + 1})" if i in still else name for i, name in enumerate(paged)]


def _clashes(names: list[str]) -> set[int]:
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        seen.setdefault(name, []).append(i)
    return {i for group in seen.values() if len(group) > 1 for i in group}
