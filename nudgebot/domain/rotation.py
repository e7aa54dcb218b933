"""Which tip comes next: every tip once per cycle, least-logged first from the second cycle on."""

from collections.abc import Collection, Mapping, Sequence


def cycle_complete(order: Sequence[str], seen: Collection[str]) -> bool:
    """True when every tip in the content was seen, so the next pick opens a new cycle."""
    return bool(order) and set(order) <= set(seen)


def pick_next(
    order: Sequence[str],
    seen: Collection[str],
    logged: Mapping[str, int] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Return the tip id to send and the new seen ids; a new cycle starts once all were seen.

    Without `logged` (the first cycle) tips come in content order. With `logged` (how many times
    the subscriber logged each tip as done or partly, from the second cycle on) the tips logged
    least come first, ties in content order. Either way a tip is picked only among those not yet
    seen in this cycle, so no tip repeats before all of them came once.
    """
    if not order:
        raise ValueError("cannot pick a tip from an empty order")
    current = set(order)
    # Ids removed from the content are forgotten, so they never block or shorten a cycle.
    still_seen = tuple(tip for tip in dict.fromkeys(seen) if tip in current)
    already = set(still_seen)
    remaining = [tip for tip in order if tip not in already]
    if not remaining:
        still_seen, remaining = (), list(order)
    if logged is None:
        tip = remaining[0]
    else:
        # min() keeps the first of equals, and `remaining` is in content order: ties keep it.
        tip = min(remaining, key=lambda candidate: logged.get(candidate, 0))
    return tip, (*still_seen, tip)


def upcoming(
    order: Sequence[str], seen: Collection[str], logged: Mapping[str, int] | None = None
) -> str:
    """Return the tip id that `pick_next` would send, without changing anything."""
    return pick_next(order, seen, logged)[0]
