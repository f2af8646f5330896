"""The annotations' meeting (chair, three delegates, a document) serves the minutes' routes too."""

from tests.annotations.conftest import create_annotation, document, first_paragraph, meeting, people

__all__ = ["create_annotation", "document", "first_paragraph", "meeting", "people"]
