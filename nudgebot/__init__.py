"""nudgebot: one gut and mental health habit tip a day on Telegram, at your local time."""

__version__ = "0.1.0"
