"""Lets `python -m nudgebot` behave like the `nudgebot` command."""

from nudgebot.cli import main

raise SystemExit(main())
