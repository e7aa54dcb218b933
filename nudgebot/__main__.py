"""Lets `python -m nudgebot` behave like the `nudgebot` command."""

from nudgebot.cli.main import main

raise SystemExit(main())
