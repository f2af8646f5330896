"""The chair's exports of a meeting's shared annotations: digest PDF, DOCX and CSV, JSON-LD, annotated PDF."""
