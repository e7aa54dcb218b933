"""Measured figures from tests, gathered (across xdist workers) and printed after the run."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _pytest.terminal import TerminalReporter

_KEY = "measured figure"
_collected: list[tuple[str, str]] = []


@pytest.fixture
def figure(record_property: Callable[[str, object], None]) -> Callable[[str], None]:
    """Record one line of a measured figure; it is printed in the run's summary (CI logs)."""

    def record(line: str) -> None:
        record_property(_KEY, line)

    return record


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Runs in the controller for reports sent by xdist workers too, so figures survive -n 4.
    if report.when != "call":
        return
    for key, value in report.user_properties:
        if key == _KEY:
            _collected.append((report.nodeid, str(value)))


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    if not _collected:
        return
    terminalreporter.section("measured figures")
    for nodeid, line in _collected:
        for text in line.splitlines():
            terminalreporter.write_line(f"{nodeid}: {text}")
