"""The annotations' meeting (chair, three delegates, a document) serves the minutes' routes too."""

from tests.annotations.conftest import create_annotation, document, meeting, people

__all__ = ["create_annotation", "document", "meeting", "people"]
