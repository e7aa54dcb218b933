"""The exit codes every command uses, and the error a command stops with to give one."""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEM = 1  # something outside the command line: content, the database, the network
EXIT_USAGE = 2  # the command line or a setting: fix what you typed or exported


class CommandError(Exception):
    """Stops a command with this one line (no "nudgebot: " prefix) and exit code."""

    def __init__(self, line: str, exit_code: int = EXIT_PROBLEM) -> None:
        super().__init__(line)
        self.line = line
        self.exit_code = exit_code
