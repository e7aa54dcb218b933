"""Which database a command uses, said without its password, and whether its file exists."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from nudgebot.cli.exit_codes import CommandError


def sqlite_path(url: str) -> Path | None:
    """The absolute path of a SQLite database file, or None (PostgreSQL, or in memory)."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute()


def label(url: str) -> str:
    """The SQLite file path, or the URL with its password as *** (safe to print and log)."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def announce(url: str) -> None:
    """Print which database the command reads, so a wrong folder or URL shows at once."""
    print(f"database: {label(url)}", flush=True)


def require_file(url: str) -> None:
    """Refuse to let SQLite create a new empty file: only `run` and `db upgrade` may."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise CommandError(
            f"the database file {path} does not exist: run `nudgebot db upgrade` to create it, "
            "or set NUDGEBOT_DATABASE_URL to the bot's database"
        )


def require_folder(url: str) -> None:
    """A SQLite file's folder must exist: said before connecting, in one line.

    Checked up front rather than read from the driver's error: aiosqlite's worker thread can
    still report a failed connect after the event loop closed, printing a traceback of its own.
    """
    path = sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        raise CommandError(
            f"cannot open the SQLite database {path}: the folder {path.parent} does not exist; "
            "create it or fix NUDGEBOT_DATABASE_URL"
        )
