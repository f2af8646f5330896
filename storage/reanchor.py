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
MOVED_FUZZY_MIN = 0.75
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
    """Pair the paragraphs of two versions (see the module docstring for the passes).

    Drafts repeat themselves (the same sentence opens several paragraphs), so every pass looks
    first between the paragraph's neighbours that kept their text and their order, and only then
    anywhere in the new version (a paragraph moved, and then only when it is nearly the same).
    """
    m = _Matcher(old, new)
    m.in_order()
    m.exact(nearby=True)
    m.fuzzy(nearby=True)
    m.contained()  # merged and split paragraphs stay where they were
    m.exact(nearby=False)
    m.fuzzy(nearby=False)
    m.by_position()
    return _matching(old, new, m.pair, m.split_parts)


class _Matcher:
    def __init__(self, old: list[Para], new: list[Para]):
        self.old, self.new = old, new
        self.old_tok = [tokens(p.text) for p in old]
        self.new_tok = [tokens(p.text) for p in new]
        self.old_key = [" ".join(t) for t in self.old_tok]
        self.new_key = [" ".join(t) for t in self.new_tok]
        self.pair: dict[int, tuple[int, str, float]] = {}  # old index → (new index, status, score)
        self.taken: set[int] = set()
        self.split_parts: dict[int, int] = {}  # new index → old index it was cut from
        self.window: list[tuple[int, int]] = []
        self.new_index = self._index(self.new_tok)
        self.old_index = self._index(self.old_tok)

    @staticmethod
    def _index(token_lists) -> dict[str, set[int]]:
        index: dict[str, set[int]] = defaultdict(set)
        for i, words in enumerate(token_lists):
            for word in set(words):
                index[word].add(i)
        return index

    def link(self, o: int, n: int, status: str, score: float) -> None:
        self.pair[o] = (n, status, score)
        self.taken.add(n)

    def near(self, o: int, n: int) -> bool:
        low, high = self.window[o]
        return low < n < high

    def in_order(self) -> None:
        """Unchanged paragraphs in the same order; they bound where the others can have gone."""
        matcher = SequenceMatcher(None, self.old_key, self.new_key, autojunk=False)
        for block in matcher.get_matching_blocks():
            for i in range(block.size):
                self.link(block.a + i, block.b + i, "unchanged", 1.0)
        anchors = sorted((o, n) for o, (n, _, _) in self.pair.items())
        before, at = (-1, -1), 0
        for o in range(len(self.old)):
            while at < len(anchors) and anchors[at][0] < o:
                before = anchors[at]
                at += 1
            after = next((a for a in anchors[at:] if a[0] > o), (len(self.old), len(self.new)))
            self.window.append((before[1], after[1]))

    def exact(self, nearby: bool) -> None:
        free: dict[str, list[int]] = defaultdict(list)
        for n, key in enumerate(self.new_key):
            if n not in self.taken and n not in self.split_parts:
                free[key].append(n)
        for o, key in enumerate(self.old_key):
            if o in self.pair or not free.get(key):
                continue
            options = [n for n in free[key] if self.near(o, n)] if nearby else free[key]
            if options:
                n = options[0]
                free[key].remove(n)
                self.link(o, n, "unchanged", 1.0)

    def fuzzy(self, nearby: bool) -> None:
        """Best pairs first; a paragraph both moved and edited must be nearly the same."""
        floor = FUZZY_MIN if nearby else MOVED_FUZZY_MIN
        scored = []
        for o in range(len(self.old)):
            if o in self.pair:
                continue
            exclude = self.taken | self.split_parts.keys()
            for n in _candidates(self.old_tok[o], self.new_index, exclude=exclude):
                if nearby and not self.near(o, n):
                    continue
                score = similarity(self.old_tok[o], self.new_tok[n])
                if score >= floor:
                    scored.append((score, o, n))
        for score, o, n in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
            if o not in self.pair and n not in self.taken:
                self.link(o, n, "edited", score)

    def contained(self) -> None:
        """Merged (an old paragraph inside a new one) and split (a new one inside an old one); a
        paragraph found unchanged took nothing in and lost nothing."""
        kept = {o for o, (_, status, _) in self.pair.items() if status == "unchanged"}
        exact = {self.pair[o][0] for o in kept}
        merged = {}
        for o in range(len(self.old)):
            if o in self.pair or len(self.old_tok[o]) < 3:
                continue
            options = [
                n for n in _candidates(self.old_tok[o], self.new_index, exclude=exact) if self.near(o, n)
            ]
            best = max(
                ((_contained(self.old_tok[o], self.new_tok[n]), n) for n in options), default=(0.0, -1)
            )
            if best[0] >= CONTAINED_MIN:
                merged[o] = (best[1], similarity(self.old_tok[o], self.new_tok[best[1]]))
        for n in range(len(self.new)):
            if n in self.taken or n in self.split_parts or len(self.new_tok[n]) < 3:
                continue
            options = [
                o for o in _candidates(self.new_tok[n], self.old_index, exclude=kept) if self.near(o, n)
            ]
            best = max(
                ((_contained(self.new_tok[n], self.old_tok[o]), o) for o in options), default=(0.0, -1)
            )
            if best[0] >= CONTAINED_MIN:
                self.split_parts[n] = best[1]
        for o, (n, score) in merged.items():
            self.pair[o] = (n, "edited", score)
        for n, o in self.split_parts.items():
            self.taken.add(n)
            if o not in self.pair:  # cut from a paragraph nothing else took: this part is its successor
                self.pair[o] = (n, "edited", similarity(self.old_tok[o], self.new_tok[n]))

    def by_position(self) -> None:
        """The one paragraph left between two matched neighbours, when it still shares some words."""
        mapped = sorted((o, n) for o, (n, _, _) in self.pair.items())
        bounds = [(-1, -1), *mapped, (len(self.old), len(self.new))]
        for (o0, n0), (o1, n1) in pairwise(bounds):
            gap_old = [o for o in range(o0 + 1, o1) if o not in self.pair]
            gap_new = [n for n in range(n0 + 1, n1) if n not in self.taken]
            if len(gap_old) == 1 and len(gap_new) == 1 and n0 < n1:
                o, n = gap_old[0], gap_new[0]
                score = similarity(self.old_tok[o], self.new_tok[n])
                if score >= POSITION_MIN:
                    self.link(o, n, "edited", score)


def _candidates(words: list[str], index: dict[str, set[int]], exclude) -> list[int]:
    """The paragraphs sharing most of these words, rare words counting as much as common ones."""
    counts: Counter[int] = Counter()
    for word in set(words):
        hits = index.get(word, ())
        if len(hits) > 200:  # a word in nearly every paragraph tells nothing
            continue
        counts.update(h for h in hits if h not in exclude)
    return [n for n, _ in counts.most_common(_CANDIDATES)]


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
    n = _part_at(spot, by_key[old_para.key], matching.splits.get(old_para.key, [n]), version)
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


def _part_at(spot: tuple[float, float], old: Para, parts: list[int], version: _NewVersion) -> int:
    """Of the paragraphs an old one was split into, the one holding the text at `spot`: the share of
    the old paragraph above the spot, laid over the parts' shares of its words, in reading order."""
    if len(parts) == 1:
        return parts[0]
    ordered = sorted(parts)
    _, y0, _, y1 = old.bbox
    share = min(max((spot[1] - y0) / max(y1 - y0, 1.0), 0.0), 1.0)
    sizes = [len(version.paragraphs[n].text.split()) for n in ordered]
    total, running = sum(sizes), 0
    for n, size in zip(ordered, sizes, strict=True):
        running += size
        if share * total < running:
            return n
    return ordered[-1]


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
    """The quoted words in the new paragraph(s): exactly, else the longest run of at least half.

    Words that are only punctuation (a dash between words) are skipped on both sides.
    """
    wanted = [w for w in (_norm(w) for w in quote.split()) if w]
    if not wanted:
        return None
    best = None
    for n in parts:
        words = version.paragraph_words(n)
        spoken = [i for i, (_, word) in enumerate(words) if _norm(word[4])]
        hay = [_norm(words[i][1][4]) for i in spoken]
        at = _sublist(wanted, hay)
        if at is not None:
            return _quads(n, words[spoken[at] : spoken[at + len(wanted) - 1] + 1])
        matcher = SequenceMatcher(None, wanted, hay, autojunk=False)
        block = matcher.find_longest_match(0, len(wanted), 0, len(hay))
        if block.size * 2 >= len(wanted) and (best is None or block.size > best[0]):
            best = (block.size, n, words[spoken[block.b] : spoken[block.b + block.size - 1] + 1])
    if best is None:
        return None
    return _quads(best[1], best[2])


def _quads(n: int, words: list[tuple[int, list]]):
    """One quad per line of the matched words, on the page that holds most of them (a highlight
    is on one page: words that a new page break carried over are left out)."""
    page = Counter(word_page for word_page, _ in words).most_common(1)[0][0]
    words = [(word_page, word) for word_page, word in words if word_page == page]
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


# Matching words costs up to len(old) x len(new); a flattened table of thousands of words would
# hold the server for seconds (the reader asks for diffs on the request path), so past this it
# shows the old text struck and the new one added.
WORD_DIFF_MAX_PAIRS = 250_000


def word_diff(old: str, new: str) -> list[list[str]]:
    """Old and new text as runs of words: ["=", kept], ["-", removed], ["+", added]."""
    a, b = old.split(), new.split()
    if len(a) * len(b) > WORD_DIFF_MAX_PAIRS:
        return [run for run in (["-", " ".join(a)], ["+", " ".join(b)]) if run[1]]
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
