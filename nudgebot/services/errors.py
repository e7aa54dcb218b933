"""What a use case refuses with: the handlers turn each into one kind reply."""

from __future__ import annotations


class NotSubscribedError(Exception):
    """The chat has never sent /start."""
