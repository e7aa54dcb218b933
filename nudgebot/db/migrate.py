"""Applies Alembic migrations from inside the app, on the app's own engine."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def migrations_dir() -> Path:
    """The migrations a wheel carries (nudgebot/migrations), else the checkout's alembic/.

    alembic/ and alembic.ini at the top of the repository are the source of truth; the build
    copies both into the package (setup.py), so `nudgebot db upgrade` works from any install.
    """
    packaged = Path(str(files("nudgebot") / "migrations"))
    if (packaged / "env.py").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "alembic"


ALEMBIC_DIR = migrations_dir()
# Beside the scripts in a wheel; at the top of the repository in a checkout.
_PACKAGED_INI = ALEMBIC_DIR / "alembic.ini"
ALEMBIC_INI = _PACKAGED_INI if _PACKAGED_INI.is_file() else ALEMBIC_DIR.parent / "alembic.ini"


def alembic_config(database_url: str = "") -> Config:
    """Alembic's Config pointing at the project's migrations, whatever the working directory."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration; a no-op when it is already there."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copy, drop and rename; with foreign keys on, the
            # drop would run ON DELETE CASCADE / SET NULL on every table that points at it and
            # silently erase data. SQLite's own recipe: keys off (only possible outside a
            # transaction), migrate, check the keys, keys back on.
            await connection.run_sync(_sqlite_pragma, "foreign_keys=OFF")
        try:
            async with connection.begin():
                await connection.run_sync(_upgrade)
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                await connection.run_sync(_sqlite_pragma, "foreign_keys=ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    # Straight to the driver: through SQLAlchemy the statement would open a transaction first,
    # and SQLite ignores this pragma inside one.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


async def current_revision(engine: AsyncEngine) -> str | None:
    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(_current)
