"""Composition: the top layer, above every feature.

The app's wiring (`create_app`), the pages and API answers that join several features (a meeting
with its documents, the reader), the audit pages, and `flask demo`. Features never import it; it
imports them all (the layers are in pyproject.toml, kept by import-linter).
"""
