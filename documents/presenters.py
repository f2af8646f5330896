"""Documents as JSON: the one place a document, its pages and its paragraphs are shaped for clients."""

from flask_babel import gettext

from documents.upload_labels import REMOVED_LABELS


def document_summary(document) -> dict:
    return {
        "id": document.id,
        "title": document.title,
        "page_count": document.page_count,
        "version": document.version,
        "status": document.status,
        "filename": document.original_filename,
        "size_bytes": document.size_bytes,
    }


def upload_summary(document) -> dict:
    """The new document as the uploader sees it, told what active content was taken out."""
    summary = document_summary(document)
    removed = getattr(document, "removed_content", [])
    if removed:
        labels = ", ".join(str(REMOVED_LABELS.get(name, name)) for name in removed)
        summary["removed"] = removed
        summary["notice"] = gettext("Đã gỡ bỏ khỏi tệp vì lý do an toàn: %(labels)s.", labels=labels)
    return summary


def document_detail(document) -> dict:
    return {
        **document_summary(document),
        "agenda_item_id": document.agenda_item_id,
        "meeting_id": document.agenda_item.meeting_id,
        "replaces_id": document.replaces_id,
        "pages": [page_json(page) for page in document.pages],
    }


def page_json(page) -> dict:
    return {
        "number": page.number,
        "width": round(page.width, 2),
        "height": round(page.height, 2),
        "rotation": page.rotation,
        "scanned": page.is_scanned,
    }


def page_words_json(page) -> dict:
    """A page with its words: the reader's text layer."""
    return {**page_json(page), "words": page.words}


def paragraph_json(paragraph) -> dict:
    return {
        "id": paragraph.id,
        "number": paragraph.number,
        "page": paragraph.page,
        "bbox": paragraph.bbox,
        "kind": paragraph.kind,
        "text": paragraph.text,
        "parts": [{"page": page, "bbox": [round(v, 2) for v in box]} for page, box in paragraph.parts],
        "label": paragraph.label,
        "path": paragraph.path,
        "citation": paragraph.citation,
        "change": paragraph.change,
    }


def paragraph_layout(paragraph) -> dict:
    """Where it is and what it is called, without its words: what the reader's margin needs
    for every page it shows (the words are already in the page's text layer)."""
    layout = paragraph_json(paragraph)
    del layout["text"]
    return layout


def removed_paragraph_json(paragraph) -> dict:
    """A paragraph of the earlier version that the new one no longer has."""
    shaped = paragraph_json(paragraph)
    return {key: shaped[key] for key in ("id", "number", "page", "text", "label", "citation")}


def page_runs(pages: list[dict]) -> list[list]:
    """Pages as runs of one size, `[count, width, height, rotation, scanned]`: the reader's HTML stays
    the same size for 12 pages or 500 (reader/skeleton.js expands them and builds each page's markup)."""
    runs: list[list] = []
    for page in pages:
        shape = [page["width"], page["height"], page["rotation"], page["scanned"]]
        if runs and runs[-1][1:] == shape:
            runs[-1][0] += 1
        else:
            runs.append([1, *shape])
    return runs
