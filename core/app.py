"""Kept for code written before the factory moved up: `create_app` is composition.app's.

The one import from core up into composition, allowed by name in pyproject.toml's contract; new
code imports composition.app.
"""

from composition.app import MIGRATIONS_DIR, create_app

__all__ = ["MIGRATIONS_DIR", "create_app"]
