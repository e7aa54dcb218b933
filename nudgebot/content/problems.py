"""What is wrong with the content, item by item, and the error that lists all of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_MAX_ERROR_LINES = 20


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """One thing wrong with the content, located by file and item."""

    file: str
    item: str
    reason: str

    def __str__(self) -> str:
        if self.item:
            return f"{self.file}: {self.item}: {self.reason}"
        return f"{self.file}: {self.reason}"


class ContentError(Exception):
    """The content cannot be loaded; problems lists everything found, not just the first."""

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems: tuple[ContentProblem, ...] = tuple(problems)
        lines = [str(problem) for problem in self.problems[:_MAX_ERROR_LINES]]
        if len(self.problems) > _MAX_ERROR_LINES:
            lines.append(f"... and {len(self.problems) - _MAX_ERROR_LINES} more")
        super().__init__("\n".join(lines) or "content is invalid")


class Problems:
    """Collects problems for one file."""

    def __init__(self, file: str, into: list[ContentProblem]) -> None:
        self.file = file
        self._into = into
        self.count = 0

    def add(self, item: str, reason: str) -> None:
        self._into.append(ContentProblem(self.file, item, reason))
        self.count += 1
