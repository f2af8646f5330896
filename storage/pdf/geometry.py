"""Boxes, matrices and areas as the complexity check reads them from PDF objects and paths.

Values come as PyMuPDF's `xref_get_key` gives them, (kind, text); anything unusable (not a
number, not finite) reads as nothing rather than raising: the check runs before MuPDF has
judged the file.
"""

import math

import pymupdf

MAX_AREA = 1e12  # a box that says nothing usable counts as this much
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def read_number(value: tuple[str, str]) -> float:
    try:
        number = float(value[1]) if value[0] in ("int", "float") else 0.0
    except ValueError:
        return 0.0
    return number if math.isfinite(number) else 0.0


def read_numbers(value: tuple[str, str], count: int) -> tuple[float, ...] | None:
    if value[0] != "array":
        return None
    try:
        numbers = tuple(float(part) for part in value[1].strip("[] ").split())
    except ValueError:
        return None
    if len(numbers) != count or not all(math.isfinite(number) for number in numbers):
        return None
    return numbers


def read_box(value: tuple[str, str]) -> tuple[float, float, float, float] | None:
    numbers = read_numbers(value, 4)
    if numbers is None:
        return None
    x0, y0, x1, y1 = numbers
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def inherited_box(doc: pymupdf.Document, xref: int) -> tuple | None:
    for _ in range(64):
        kind, parent = doc.xref_get_key(xref, "Parent")
        if kind != "xref":
            return None
        xref = int(parent.split()[0])
        box = read_box(doc.xref_get_key(xref, "MediaBox"))
        if box is not None:
            return box
    return None


def multiply(first: tuple, second: tuple) -> tuple:
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second  # noqa: N806 - the usual names of a matrix's entries
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def extend(bounds: list[float] | None, numbers: list[float], matrix: tuple, operator: bytes) -> list[float]:
    """The bounds of the path so far, with this segment's points under the current matrix."""
    if operator == b"re" and len(numbers) >= 4:
        x, y, width, height = numbers[-4:]
        points = [(x, y), (x + width, y), (x, y + height), (x + width, y + height)]
    else:
        points = list(zip(numbers[0::2], numbers[1::2], strict=False))
    a, b, c, d, e, f = matrix
    for x, y in points:
        px, py = a * x + c * y + e, b * x + d * y + f
        if not (math.isfinite(px) and math.isfinite(py)):
            return [-MAX_AREA, -MAX_AREA, MAX_AREA, MAX_AREA]
        if bounds is None:
            bounds = [px, py, px, py]
        else:
            bounds = [min(bounds[0], px), min(bounds[1], py), max(bounds[2], px), max(bounds[3], py)]
    return bounds if bounds is not None else [0.0, 0.0, 0.0, 0.0]


def clipped_area(bounds: list[float], box: tuple | None) -> float:
    x0, y0, x1, y1 = bounds
    if box is not None:
        x0, y0, x1, y1 = max(x0, box[0]), max(y0, box[1]), min(x1, box[2]), min(y1, box[3])
    return min(max(0.0, x1 - x0) * max(0.0, y1 - y0), MAX_AREA)
