"""nudgebot: one gut and mental health habit tip a day on Telegram, at your local time."""

import os

__version__ = "0.1.0"

# The one place nudgebot opts in to PTB 22's timedelta form of retry_after (the int form warns
# on every 429): set before any PTB object exists, for the CLI, tests and benchmarks alike.
os.environ.setdefault("PTB_TIMEDELTA", "true")
