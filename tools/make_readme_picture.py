"""Draws docs/progress.png, the README's progress picture, with the bot's own code and made-up data.

    python tools/make_readme_picture.py [--output docs/progress.png]

The picture comes from nudgebot.render.picture (what /progress sends) with the shipped English
content, for an invented subscriber's last four weeks: rerun it after changing the picture and
commit the result, so the README shows what the bot really draws.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nudgebot.content.loader import load_content
from nudgebot.domain.progress import ProgressData, build_progress
from nudgebot.render.picture import labels_from, render_progress

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "progress.png"
TODAY = date(2026, 3, 29)
# A made-up month: a slow start, a rest day now and then, a good run at the end.
WEEKS = (
    "d.s.p..",
    "dd.pd.s",
    "ddpd.dd",
    "dddpddd",
)
OUTCOMES = {"d": "done", "p": "partly", "s": "skipped"}


def sample_progress() -> ProgressData:
    """Four weeks of invented check-ins on the shipped tips, the newest day today."""
    content = load_content()
    days = "".join(WEEKS)
    rows = [
        (TODAY - timedelta(days=len(days) - 1 - index), content.tips[index % 12].id, OUTCOMES[c])
        for index, c in enumerate(days)
        if c in OUTCOMES
    ]
    offered = Counter(content.tips[index % 12].id for index in range(len(days)))
    return build_progress(
        TODAY,
        [(tip.id, tip.label) for tip in content.tips],
        rows,
        dict(offered),
        current_streak=7,
        best_streak=7,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    args.output.write_bytes(render_progress(sample_progress(), labels_from(load_content())))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
