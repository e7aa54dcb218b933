"""Build step: ship content/ and the migrations inside the wheel, so any install finds them.

content/, alembic/ and alembic.ini stay at the top of the repository as the source of truth;
a built package carries copies under nudgebot/content_files and nudgebot/migrations, which
nudgebot.content.paths and nudgebot.db.migrate find with importlib.resources. An editable
install (`pip install -e .`) reads the top-level folders directly and copies nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Source in the repository -> place inside the package.
SHIPPED = {
    "content": "nudgebot/content_files",
    "alembic": "nudgebot/migrations",
    "alembic.ini": "nudgebot/migrations/alembic.ini",
}


class BuildPyWithData(build_py):
    """build_py, then the content and the migrations copied into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in SHIPPED.items():
            origin = ROOT / source
            if not origin.exists():
                raise SystemExit(f"{source} is missing: a wheel without it would not work")
            destination = Path(self.build_lib) / target
            if origin.is_dir():
                shutil.rmtree(destination, ignore_errors=True)
                shutil.copytree(
                    origin, destination, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]")
                )
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, destination)


setup(cmdclass={"build_py": BuildPyWithData})
