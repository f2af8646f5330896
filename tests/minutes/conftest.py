"""The annotations' meeting (chair, three delegates, a document) serves the minutes' routes too."""

from tests.annotations.conftest import (
    cheap_password_hashes,
    create_annotation,
    document,
    first_paragraph,
    meeting,
    people,
)

__all__ = ["cheap_password_hashes", "create_annotation", "document", "first_paragraph", "meeting", "people"]
