"""What the send journal costs each send: its two lines and the hand-over hook, in CPU."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import date
from functools import partial
from pathlib import Path

# Run as `python bench/journal.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import cpu_ms, header
from nudgebot.delivery.journal import SendJournal
from nudgebot.domain.deliveries import Claim, SendResult
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.telegram import handover


def sends(journal: SendJournal | None, count: int) -> None:
    """What the engine does around each send (DeliveryEngine.send), minus the send itself."""
    claim = Claim(1, 1, 1, "fiber", date(2026, 12, 8), 1)
    for delivery in range(count):
        result = SendResult(claim, DeliveryStatus.SENT, message_id=delivery)
        if journal is None:
            handover.leaving()
            continue
        with handover.watch(partial(journal.handed_over, delivery)):
            handover.leaving()  # as the request class does before the first byte
        journal.answered(result)
    if journal is not None:
        journal.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sends", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--directory", type=Path, default=None, help="where to write (default: a temporary one)"
    )
    args = parser.parse_args()
    print(header())
    with tempfile.TemporaryDirectory(dir=args.directory) as directory:
        journal = SendJournal(Path(directory), "bench")
        without = cpu_ms(lambda: sends(None, args.sends), args.repeat)
        with_journal = cpu_ms(lambda: sends(journal, args.sends), args.repeat)
    per_send = [(a - b) / args.sends * 1e3 for a, b in zip(with_journal, without, strict=True)]
    where = args.directory or tempfile.gettempdir()
    print(
        f"{args.sends} sends x {args.repeat}, journal in {where}: "
        f"the journal costs {statistics.median(per_send):.2f} us of CPU per send (median; "
        f"min {min(per_send):.2f}, max {max(per_send):.2f})"
    )


if __name__ == "__main__":
    main()
