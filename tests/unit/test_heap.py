"""Freezing the start-up heap keeps full collections from walking long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from nudgebot.web.heap import freeze_startup_heap


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process collects as usual again


def test_freezing_moves_the_live_objects_out_of_the_collectors_generations(thawed: None) -> None:
    alive = [[] for _ in range(1000)]  # container objects the collector tracks

    frozen = freeze_startup_heap()

    assert frozen >= len(alive)
    assert frozen == gc.get_freeze_count()
    assert len(gc.get_objects(generation=2)) < frozen
