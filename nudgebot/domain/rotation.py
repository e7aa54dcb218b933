"""Which tip comes next: every tip once per cycle, in content order, robust to content changes."""

from collections.abc import Collection, Sequence


def pick_next(order: Sequence[str], seen: Collection[str]) -> tuple[str, tuple[str, ...]]:
    """Return the tip id to send and the new seen ids; a new cycle starts once all were seen."""
    if not order:
        raise ValueError("cannot pick a tip from an empty order")
    current = set(order)
    # Ids removed from the content are forgotten, so they never block or shorten a cycle.
    still_seen = tuple(tip for tip in dict.fromkeys(seen) if tip in current)
    already = set(still_seen)
    for tip in order:
        if tip not in already:
            return tip, (*still_seen, tip)
    return order[0], (order[0],)


def upcoming(order: Sequence[str], seen: Collection[str]) -> str:
    """Return the tip id that `pick_next` would send, without changing anything."""
    return pick_next(order, seen)[0]
