"""The exit codes every command uses: done, a problem to fix, or a mistake in how it was called."""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEM = 1  # something outside the command line: content, the database, the network
EXIT_USAGE = 2  # the command line or a setting: fix what you typed or exported
