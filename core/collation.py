"""Vietnamese order for people's names: by given name (the last word of the full name), then the
rest, in the Vietnamese alphabet (a ă â b c d đ e ê g ... ơ ... ư ...), tones deciding last.

Python's own string order puts "Đ" after "Z" and "Ánh" after "Yến"; ICU is not on every machine,
so the alphabet is spelt out here. Used by the pages that list members (a template filter).
"""

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
# Marks that make a different letter (ă â ê ô ơ ư), and tones (only a tie-breaker).
_LETTER_MARKS = {
    "\u0306": {"a": "ă"},
    "\u0302": {"a": "â", "e": "ê", "o": "ô"},
    "\u031b": {"o": "ơ", "u": "ư"},
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def _letters(word: str) -> tuple[tuple, tuple]:
    primary, tones = [], []
    for char in word.lower():
        base, *marks = unicodedata.normalize("NFD", char)
        letter, tone = base, 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            else:
                letter = _LETTER_MARKS.get(mark, {}).get(base, letter)
        primary.append(_RANK.get(letter, 100 + ord(letter)))
        tones.append(tone)
    return tuple(primary), tuple(tones)


def name_key(full_name: str | None) -> tuple:
    """Sort key: given name first ("Nguyễn Văn An" sorts as "An Nguyễn Văn"), Vietnamese alphabet."""
    words = (full_name or "").split()
    ordered = words[-1:] + words[:-1]
    keys = [_letters(word) for word in ordered]
    return tuple(k[0] for k in keys), tuple(k[1] for k in keys)


def by_given_name(people, attribute: str = "full_name", fallback: str = "username") -> list:
    """People (objects or dicts) in Vietnamese order of their names: a template filter."""

    def name(person):
        get = person.get if isinstance(person, dict) else lambda key: getattr(person, key, None)
        return get(attribute) or get(fallback) or ""

    return sorted(people, key=lambda person: name_key(name(person)))
