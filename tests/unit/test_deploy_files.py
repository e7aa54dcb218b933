"""The deployment files say what docs/operations.md promises (no container engine runs here)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import yaml

from nudgebot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, dict[str, object]]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_the_image_builds_the_wheel_then_installs_it_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert re.search(r"^FROM python:3\.11-slim AS build$", dockerfile, re.M)
    assert "pip wheel --no-deps" in dockerfile
    assert "COPY --from=build /dist /dist" in dockerfile
    assert re.search(r"^USER nudgebot$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile
    assert "/healthz" in dockerfile
    assert "curl" not in dockerfile.split("HEALTHCHECK", 1)[1]


def test_the_image_copies_everything_the_wheel_ships() -> None:
    copied = " ".join(re.findall(r"^COPY (?!--from)(.+)$", (ROOT / "Dockerfile").read_text(), re.M))

    for needed in ("pyproject.toml", "setup.py", "alembic.ini", "nudgebot", "content", "alembic"):
        assert needed in copied.split() or f"./{needed}" in copied, needed


def test_compose_points_the_bot_at_its_postgres_with_a_volume() -> None:
    services = _compose()["services"]
    bot, db = services["bot"], services["db"]

    assert db["image"] == "postgres:16"
    assert any(str(volume).endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    url = bot["environment"]["NUDGEBOT_DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://")
    assert "@db:5432/" in url
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthz" in " ".join(bot["healthcheck"]["test"])


def test_compose_uses_only_settings_the_bot_knows() -> None:
    known = {str(field.validation_alias) for field in Settings.model_fields.values()}

    for name in _compose()["services"]["bot"]["environment"]:
        assert name in known, f"compose.yaml sets {name}, which nudgebot does not read"


def test_the_systemd_unit_waits_for_the_network_and_restarts_on_failure() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "deploy" / "nudgebot.service", encoding="utf-8")

    assert unit["Unit"]["After"].split()[0] == "network-online.target"
    assert unit["Unit"]["Wants"] == "network-online.target"
    assert unit["Service"]["Restart"] == "on-failure"
    assert unit["Service"]["User"] == "nudgebot"
    assert unit["Service"]["EnvironmentFile"].startswith("/etc/nudgebot/")
    assert unit["Service"]["ExecStart"].endswith("nudgebot run")
