"""The reader's text layer in a compact form: one entry per line instead of one per word.

Stored per page as `[[x0, y0, x1, y1, text], ...]` (PDF points, 0.1 pt). The reader gets
`[[y0, height, "word word ...", [x0, width, x0, width, ...]], ...]` in tenths of a point:
the line's words as one string (it compresses as text) and each word's start and width.
Words stay in their stored order, which is the order a selection reads them in.
"""

TENTHS = 10
# Words whose middles are this close (in points) and that follow each other sit on one line.
SAME_LINE_PT = 2.0


def compact_lines(words: list[list]) -> list[list]:
    lines: list[list] = []
    current = None
    for x0, y0, x1, y1, text in words:
        middle = (y0 + y1) / 2
        if current is None or abs(middle - current["middle"]) > SAME_LINE_PT or x0 < current["right"]:
            current = {"middle": middle, "top": y0, "bottom": y1, "right": x1, "words": []}
            lines.append(current)
        current["top"] = min(current["top"], y0)
        current["bottom"] = max(current["bottom"], y1)
        current["right"] = x1
        current["words"].append((x0, x1, text.replace(" ", "\u00a0")))
    return [_line(line) for line in lines]


def _line(line: dict) -> list:
    positions: list[int] = []
    for x0, x1, _ in line["words"]:
        positions += [round(x0 * TENTHS), round((x1 - x0) * TENTHS)]
    top = round(line["top"] * TENTHS)
    height = round(line["bottom"] * TENTHS) - top
    # A word never holds a space (the text layer splits on them), so spaces can join them.
    return [top, height, " ".join(text for _, _, text in line["words"]), positions]


def expand_lines(lines: list[list]) -> list[list]:
    """Back to `[[x0, y0, x1, y1, text], ...]`: what tests and tools compare with."""
    words = []
    for top, height, text, positions in lines:
        for index, word in enumerate(text.split(" ")):
            x0, width = positions[2 * index], positions[2 * index + 1]
            words.append([x0 / TENTHS, top / TENTHS, (x0 + width) / TENTHS, (top + height) / TENTHS, word])
    return words
