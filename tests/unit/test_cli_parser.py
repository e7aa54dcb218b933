"""The command line: global options before or after any command, levels checked, --version."""

from __future__ import annotations

import pytest

from nudgebot.cli.parser import build_parser

COMMANDS = [
    ["run"],
    ["run", "--webhook"],
    ["db", "upgrade"],
    ["content", "check"],
    ["deliver", "--once"],
    ["stats"],
    ["broadcast", "news.html"],
    ["preview", "--days", "3"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("where", ["before", "after"])
def test_log_options_work_before_or_after_every_command(command: list[str], where: str) -> None:
    options = ["--log-level", "debug", "--log-format", "json"]
    argv = options + command if where == "before" else command + options
    args = build_parser().parse_args(argv)
    assert (args.log_level, args.log_format) == ("DEBUG", "json")


def test_without_log_options_the_defaults_apply() -> None:
    args = build_parser().parse_args(["stats"])
    assert (args.log_level, args.log_format) == ("INFO", "text")


def test_an_unknown_log_level_is_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["stats", "--log-level", "bogus"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_version_names_the_program(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("nudgebot ")
