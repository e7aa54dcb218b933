"""One write pass's contents, decided inside its transaction: what to record and what to mark."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from nudgebot.domain.deliveries import Claim, SendResult


class Step(Protocol):
    """What a write pass claims, records and marks as handed to the transport.

    `take` is called inside the transaction, after the claim and just before the writes, so
    the answers that came back while the pass claimed are recorded by this pass, not the next.
    """

    @property
    def claim(self) -> int:
        """How many to claim in this pass (0: none)."""
        ...

    @property
    def first(self) -> bool:
        """The drain's first claim: it probes first and settles the claims of a dead process."""
        ...

    def take(self, claims: list[Claim]) -> tuple[list[SendResult], list[Claim]]:
        """Given this pass's new claims: the results to record and the claims to mark, now."""
        ...

    def rolled_back(self) -> None:
        """The transaction failed: nothing it marked was marked; a retry only records."""
        ...


@dataclass
class FixedStep:
    """A pass decided up front: record `results`, mark `marks` and the first `attempt` claims."""

    results: list[SendResult] = field(default_factory=list)
    marks: list[Claim] = field(default_factory=list)
    claim: int = 0
    attempt: int = 0
    first: bool = False

    def take(self, claims: list[Claim]) -> tuple[list[SendResult], list[Claim]]:
        return self.results, self.marks + claims[: self.attempt]

    def rolled_back(self) -> None:
        pass
