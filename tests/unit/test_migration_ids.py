"""Shipped migration ids never change: databases record them, and Alembic must find them again."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from nudgebot.db.migrate import alembic_config

# Every revision that has shipped, oldest first. 0004 was never shipped: the gap stays, because
# renumbering 0005-0007 would strand every database that records one of them.
SHIPPED = ("0001", "0002", "0003", "0005", "0006", "0007")


def _chain() -> list[str]:
    scripts = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(scripts.walk_revisions()))]


def test_the_shipped_revisions_come_first_in_their_order() -> None:
    assert tuple(_chain()[: len(SHIPPED)]) == SHIPPED


def test_the_revisions_form_one_line_with_a_single_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    assert len(_chain()) == len(set(_chain()))
