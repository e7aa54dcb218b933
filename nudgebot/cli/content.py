"""`nudgebot content check`: every problem in content/, each language's coverage."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nudgebot.cli.exit_codes import EXIT_OK, EXIT_PROBLEM, CommandError
from nudgebot.content.languages import DEFAULT_LANGUAGE
from nudgebot.content.loader import check_content, load_content
from nudgebot.content.paths import DEFAULT_CONTENT_DIR


def content_dir() -> Path:
    """NUDGEBOT_CONTENT_DIR, read alone: editors and previews need no token."""
    return Path(os.environ.get("NUDGEBOT_CONTENT_DIR") or DEFAULT_CONTENT_DIR)


def missing_folder(directory: Path) -> str:
    return (
        f"NUDGEBOT_CONTENT_DIR {directory} is not a folder: point it at a content folder, "
        "or unset it to use the content shipped with nudgebot"
    )


def check() -> int:
    directory = content_dir()
    if not directory.is_dir():
        # One line, not "file is missing" for every file of a folder that is not there.
        raise CommandError(missing_folder(directory))
    problems = check_content(directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_PROBLEM
    print(f"content in {directory} is valid")
    for language in load_content(directory).languages:
        coverage = (
            "complete"
            if language.complete
            else f"translates {', '.join(language.covers)}; "
            f"{', '.join(language.falls_back)} in {DEFAULT_LANGUAGE}"
        )
        print(f"  {language.code} {language.native_name}: {coverage}")
    return EXIT_OK
