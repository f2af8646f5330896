"""Carry annotations from one version of a document to the next: match paragraphs, then place each.

Pure Python over texts, boxes and the new version's words, run in a PDF worker (it is CPU work
that would stall the event loop). Paragraphs are matched in four passes, each over what the
ones before left unmatched:

1. exact: the same text once its printed marker is set aside, so renumbered and moved
   paragraphs are "unchanged" (in reading order first, then anywhere for moved ones);
2. fuzzy: word-level similarity of at least `FUZZY_MIN`, best pairs first ("edited");
3. containment: most of an old paragraph's words inside a new one (two merged), or a new
   one's inside an old one (one split in two) ("edited");
4. position: the one paragraph left between two matched neighbours on both sides, when it
   still shares `POSITION_MIN` of its words ("edited").

An old paragraph left over was removed: its comments are "orphaned", kept, with no paragraph.
Highlights are found again by their quoted words in the new paragraph's text layer, so their
quads are recomputed; ink and notes keep their offset from their paragraph's corner.
"""

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise

from storage.pdf.labels import printed_label

FUZZY_MIN = 0.55
CONTAINED_MIN = 0.7
POSITION_MIN = 0.3
_CANDIDATES = 8
_RUN = 3  # words in a row that count as a shared phrase, not a shared common word
_LINE_PT = 2.0
_MARKER = re.compile(r"^\s*(?:(?:chương|mục|điều)\s+\S+?|\S{1,12}?)[.):]?\s+", re.IGNORECASE)
_EDGE_PUNCT = "\"'“”‘’«»()[]{}.,;:!?…-–—"

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Para:
    """A paragraph as the matcher sees it: `key` is its id on the old version, its index on the new."""

    key: int
    text: str
    page: int
    bbox: Box
    parts: list[tuple[int, Box]] = field(default_factory=list)


@dataclass
class Matching:
    """Old paragraph → (new index or None, status, similarity); new index → (old keys, change)."""

    old: dict[int, tuple[int | None, str, float]]
    new_sources: dict[int, list[int]]
    new_change: dict[int, str]
    splits: dict[int, list[int]]  # old key → every new index made from it, primary first


def tokens(text: str) -> list[str]:
    """Words without their printed marker, edge punctuation or case: what counts as the same text."""
    label, _ = printed_label(text)
    body = _MARKER.sub("", text, count=1) if label is not None else text
    words = [w.strip(_EDGE_PUNCT).casefold() for w in body.split()]
    words = [w for w in words if w]
    return words or [w.casefold() for w in text.split()]


def similarity(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _contained(part: list[str], whole: list[str]) -> float:
    """Share of `part`'s words found, in order and in runs of a few words, inside `whole`."""
    if not part:
        return 0.0
    blocks = SequenceMatcher(None, part, whole, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks if block.size >= _RUN) / len(part)


def match_paragraphs(old: list[Para], new: list[Para]) -> Matching:
    """Pair the paragraphs of two versions (see the module docstring for the passes)."""
    old_tok = [tokens(p.text) for p in old]
    new_tok = [tokens(p.text) for p in new]
    old_key = [" ".join(t) for t in old_tok]
    new_key = [" ".join(t) for t in new_tok]
    pair: dict[int, tuple[int, str, float]] = {}  # old index → (new index, status, score)
    taken: set[int] = set()

    def link(o: int, n: int, status: str, score: float) -> None:
        pair[o] = (n, status, score)
        taken.add(n)

    # 1. exact, in order, then moved ones
    for block in SequenceMatcher(None, old_key, new_key, autojunk=False).get_matching_blocks():
        for i in range(block.size):
            link(block.a + i, block.b + i, "unchanged", 1.0)
    free_new: dict[str, list[int]] = defaultdict(list)
    for n, key in enumerate(new_key):
        if n not in taken:
            free_new[key].append(n)
    for o, key in enumerate(old_key):
        if o not in pair and free_new.get(key):
            link(o, free_new[key].pop(0), "unchanged", 1.0)

    # 2. fuzzy, best pairs first, among candidates sharing words
    index: dict[str, set[int]] = defaultdict(set)
    for n, words in enumerate(new_tok):
        for word in set(words):
            index[word].add(n)
    scored = []
    for o in range(len(old)):
        if o in pair:
            continue
        for n in _candidates(old_tok[o], index, exclude=taken):
            score = similarity(old_tok[o], new_tok[n])
            if score >= FUZZY_MIN:
                scored.append((score, o, n))
    for score, o, n in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if o not in pair and n not in taken:
            link(o, n, "edited", score)

    # 3. containment: merged (old inside a new one) and split (new inside an old one); a
    # paragraph found unchanged took nothing in and lost nothing
    kept = {o for o, (_, status, _) in pair.items() if status == "unchanged"}
    exact = {pair[o][0] for o in kept}
    merged: dict[int, tuple[int, float]] = {}
    for o in range(len(old)):
        if o in pair or len(old_tok[o]) < 3:
            continue
        best = max(
            ((_contained(old_tok[o], new_tok[n]), n) for n in _candidates(old_tok[o], index, exclude=exact)),
            default=(0.0, -1),
        )
        if best[0] >= CONTAINED_MIN:
            merged[o] = (best[1], similarity(old_tok[o], new_tok[best[1]]))
    old_index: dict[str, set[int]] = defaultdict(set)
    for o, words in enumerate(old_tok):
        for word in set(words):
            old_index[word].add(o)
    split_parts: dict[int, int] = {}  # new index → old index it was cut from
    for n in range(len(new)):
        if n in taken or len(new_tok[n]) < 3:
            continue
        near = _candidates(new_tok[n], old_index, exclude=kept)
        best = max(((_contained(new_tok[n], old_tok[o]), o) for o in near), default=(0.0, -1))
        if best[0] >= CONTAINED_MIN:
            split_parts[n] = best[1]
    for o, (n, score) in merged.items():
        pair[o] = (n, "edited", score)
    taken.update(split_parts)
    for n, o in split_parts.items():
        if o not in pair:  # cut from a paragraph nothing else took: this part is its successor
            pair[o] = (n, "edited", similarity(old_tok[o], new_tok[n]))

    # 4. position among matched neighbours
    _by_position(old, new, old_tok, new_tok, pair, taken)

    return _matching(old, new, pair, split_parts)


def _candidates(words: list[str], index: dict[str, set[int]], exclude) -> list[int]:
    """The paragraphs sharing most of these words, rare words counting as much as common ones."""
    counts: Counter[int] = Counter()
    for word in set(words):
        hits = index.get(word, ())
        if len(hits) > 200:  # a word in nearly every paragraph tells nothing
            continue
        counts.update(h for h in hits if h not in exclude)
    return [n for n, _ in counts.most_common(_CANDIDATES)]


def _by_position(old, new, old_tok, new_tok, pair, taken) -> None:
    mapped = sorted((o, n) for o, (n, _, _) in pair.items())
    bounds = [(-1, -1), *mapped, (len(old), len(new))]
    for (o0, n0), (o1, n1) in pairwise(bounds):
        gap_old = [o for o in range(o0 + 1, o1) if o not in pair]
        gap_new = [n for n in range(n0 + 1, n1) if n not in taken]
        if len(gap_old) == 1 and len(gap_new) == 1 and n0 < n1:
            o, n = gap_old[0], gap_new[0]
            score = similarity(old_tok[o], new_tok[n])
            if score >= POSITION_MIN:
                pair[o] = (n, "edited", score)
                taken.add(n)


def _matching(old: list[Para], new: list[Para], pair, split_parts) -> Matching:
    result = Matching(old={}, new_sources=defaultdict(list), new_change={}, splits=defaultdict(list))
    for o, para in enumerate(old):
        if o in pair:
            n, status, score = pair[o]
            result.old[para.key] = (n, status, round(score, 3))
            result.new_sources[n].append(para.key)
            result.splits[para.key].append(n)
        else:
            result.old[para.key] = (None, "orphaned", 0.0)
    for n, o in sorted(split_parts.items()):
        key = old[o].key
        if n not in result.splits[key]:
            result.splits[key].append(n)
            result.new_sources[n].append(key)
    for n in range(len(new)):
        sources = result.new_sources.get(n)
        if not sources:
            result.new_change[n] = "added"
        elif len(sources) == 1 and result.old[sources[0]][:2] == (n, "unchanged"):
            result.new_change[n] = "unchanged"
        else:
            result.new_change[n] = "edited"
    result.new_sources = dict(result.new_sources)
    result.splits = dict(result.splits)
    return result


# Placing annotations


@dataclass
class _NewVersion:
    paragraphs: list[Para]
    words_json: list[str]
    page_sizes: list[tuple[float, float]]
    _words: dict[int, list] = field(default_factory=dict)
    _para_words: dict[int, list] = field(default_factory=dict)

    def words(self, page: int) -> list:
        if page not in self._words:
            inside = 0 < page <= len(self.words_json)
            self._words[page] = json.loads(self.words_json[page - 1]) if inside else []
        return self._words[page]

    def paragraph_words(self, n: int) -> list[tuple[int, list]]:
        """The words of new paragraph `n` in reading order, each with its page."""
        if n not in self._para_words:
            para = self.paragraphs[n]
            found = []
            for page, (x0, y0, x1, y1) in para.parts or [(para.page, para.bbox)]:
                for word in self.words(page):
                    cx, cy = (word[0] + word[2]) / 2, (word[1] + word[3]) / 2
                    if x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1:
                        found.append((page, word))
            self._para_words[n] = found
        return self._para_words[n]


def reanchor(
    old_paragraphs: list[Para],
    new_paragraphs: list[Para],
    annotations: list[dict],
    new_words_json: list[str],
    new_page_sizes: list[tuple[float, float]],
) -> dict:
    """Where each annotation goes on the new version, and how the paragraphs map.

    `annotations`: {"id", "kind", "target", "paragraph_id", "page", "reply_to"} as stored on the
    old version, parents before replies. Returns {"paragraphs": {new index: (old ids, change)},
    "annotations": {old id: {"paragraph": new index | None, "page", "target", "status",
    "similarity"}}}.
    """
    matching = match_paragraphs(old_paragraphs, new_paragraphs)
    version = _NewVersion(new_paragraphs, new_words_json, new_page_sizes)
    by_key = {p.key: p for p in old_paragraphs}
    on_page: dict[int, list[Para]] = defaultdict(list)
    for para in old_paragraphs:
        for page, box in para.parts or [(para.page, para.bbox)]:
            on_page[page].append(Para(para.key, para.text, page, box))
    placed: dict[int, dict] = {}
    for annotation in annotations:
        parent = placed.get(annotation.get("reply_to"))
        if parent is not None:
            placed[annotation["id"]] = {**parent, "target": dict(annotation["target"])}
            continue
        placed[annotation["id"]] = _place(annotation, matching, version, by_key, on_page)
    return {
        "paragraphs": {
            n: (matching.new_sources.get(n, []), matching.new_change[n]) for n in range(len(new_paragraphs))
        },
        "annotations": placed,
    }


def _place(annotation, matching: Matching, version: _NewVersion, by_key, on_page) -> dict:
    kind, target = annotation["kind"], dict(annotation["target"])
    if kind == "comment":
        key = annotation.get("paragraph_id")
        if key is None:
            return _result(None, None, target, "unchanged", 1.0)
        n, status, score = matching.old.get(key, (None, "orphaned", 0.0))
        if n is None:
            return _result(None, None, target, "orphaned", 0.0)
        n = _part_with_quote(target.get("quote", ""), matching.splits.get(key, [n]), version)
        return _result(n, version.paragraphs[n].page, target, status, score)
    page = target.get("page") or annotation.get("page") or 1
    if kind == "highlight":
        spot = _center(target["quads"])
    elif kind == "ink":
        spot = _center([_bounds(point for path in target["paths"] for point in path)])
    else:
        spot = tuple(target["point"])
    old_para = _paragraph_at(on_page.get(page, []), spot)
    if old_para is None:
        return _unplaced(target, page, version)
    n, status, score = matching.old.get(old_para.key, (None, "orphaned", 0.0))
    if n is None:
        return _unplaced(target, page, version)
    if kind == "highlight":
        found = _find_quote(target.get("quote", ""), matching.splits.get(old_para.key, [n]), version)
        if found is None:
            return _unplaced(target, page, version)
        n, new_page, quads, quote = found
        target.update(page=new_page, quads=quads, quote=quote)
        return _result(n, new_page, target, status, score)
    new_page, dx, dy = _shift(old_para, version.paragraphs[n])
    width, height = version.page_sizes[new_page - 1]

    def moved(x, y):
        return [round(min(max(x + dx, 0.0), width), 2), round(min(max(y + dy, 0.0), height), 2)]

    if kind == "ink":
        target["paths"] = [[moved(x, y) for x, y in path] for path in target["paths"]]
    else:
        target["point"] = moved(*target["point"])
    target["page"] = new_page
    return _result(n, new_page, target, status, score)


def _result(n, page, target, status, score) -> dict:
    return {"paragraph": n, "page": page, "target": target, "status": status, "similarity": round(score, 3)}


def _unplaced(target: dict, page: int, version: _NewVersion) -> dict:
    """Its paragraph or words are gone: kept where it was (on a page that still exists), orphaned."""
    page = min(page, len(version.page_sizes))
    return _result(None, page, {**target, "page": page}, "orphaned", 0.0)


def _center(quads) -> tuple[float, float]:
    x0, y0, x1, y1 = quads[0]
    return (x0 + x1) / 2, (y0 + y1) / 2


def _bounds(points) -> Box:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _paragraph_at(paras: list[Para], spot: tuple[float, float]) -> Para | None:
    """The paragraph under `spot`, else the nearest one on the page."""
    x, y = spot

    def distance(p: Para) -> float:
        x0, y0, x1, y1 = p.bbox
        return max(x0 - x, 0, x - x1) + max(y0 - y, 0, y - y1)

    return min(paras, key=distance, default=None)


def _shift(old: Para, new: Para) -> tuple[int, float, float]:
    x0, y0 = old.bbox[:2]
    nx0, ny0 = new.bbox[:2]
    return new.page, nx0 - x0, ny0 - y0


def _part_with_quote(quote: str, parts: list[int], version: _NewVersion) -> int:
    """Of the paragraphs an old one became, the one holding the quoted words (else the first)."""
    wanted = tokens(quote) if quote.strip() else []
    if len(parts) > 1 and wanted:
        for n in parts:
            if _sublist(wanted, tokens(version.paragraphs[n].text)) is not None:
                return n
    return parts[0]


def _sublist(needle: list[str], hay: list[str]) -> int | None:
    first = needle[0]
    for i in range(len(hay) - len(needle) + 1):
        if hay[i] == first and hay[i : i + len(needle)] == needle:
            return i
    return None


def _norm(word: str) -> str:
    return word.strip(_EDGE_PUNCT).casefold()


def _find_quote(quote: str, parts: list[int], version: _NewVersion):
    """The quoted words in the new paragraph(s): exactly, else the longest run of at least half."""
    wanted = [w for w in (_norm(w) for w in quote.split()) if w]
    if not wanted:
        return None
    best = None
    for n in parts:
        words = version.paragraph_words(n)
        hay = [_norm(word[4]) for _, word in words]
        at = _sublist(wanted, hay)
        if at is not None:
            return _quads(n, words[at : at + len(wanted)])
        matcher = SequenceMatcher(None, wanted, hay, autojunk=False)
        block = matcher.find_longest_match(0, len(wanted), 0, len(hay))
        if block.size * 2 >= len(wanted) and (best is None or block.size > best[0]):
            best = (block.size, n, words[block.b : block.b + block.size])
    if best is None:
        return None
    return _quads(best[1], best[2])


def _quads(n: int, words: list[tuple[int, list]]):
    """One quad per line of the matched words, on the page where they start."""
    page = words[0][0]
    quads: list[list[float]] = []
    for word_page, (x0, y0, x1, y1, _) in words:
        if word_page != page:
            break
        last = quads[-1] if quads else None
        if last and abs(last[1] - y0) <= _LINE_PT and x0 >= last[0]:
            last[2], last[3] = max(last[2], x1), max(last[3], y1)
        else:
            quads.append([x0, y0, x1, y1])
    quote = " ".join(word[4] for word_page, word in words if word_page == page)
    return n, page, [[round(v, 2) for v in quad] for quad in quads], quote


def word_diff(old: str, new: str) -> list[list[str]]:
    """Old and new text as runs of words: ["=", kept], ["-", removed], ["+", added]."""
    a, b = old.split(), new.split()
    runs: list[list[str]] = []
    for op, i0, i1, j0, j1 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(["=", " ".join(a[i0:i1])])
            continue
        if i1 > i0:
            runs.append(["-", " ".join(a[i0:i1])])
        if j1 > j0:
            runs.append(["+", " ".join(b[j0:j1])])
    return runs
