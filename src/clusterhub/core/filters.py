"""Helpers shared by every app's filters."""

from __future__ import annotations

# A path no record has: an unknown code filters to nothing instead of being ignored.
NO_PATH = "//"


def path_of(model, code: str | None) -> str | None:
    """The materialised path of the tree record with this code (None when no code was given)."""
    if not code:
        return None
    path = model._base_manager.filter(code=code).values_list("path", flat=True).first()
    return path or NO_PATH
