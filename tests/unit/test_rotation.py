"""Tip rotation: every tip once per cycle, whatever the content does meanwhile."""

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.rotation import cycle_complete, pick_next, upcoming

ORDER = ("fiber", "ferment", "sleep")

orders = st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=12, unique=True)


def picks(order: Sequence[str], seen: tuple[str, ...], count: int) -> list[str]:
    sent = []
    for _ in range(count):
        tip, seen = pick_next(order, seen)
        sent.append(tip)
    return sent


def test_first_pick_is_first_in_order() -> None:
    assert pick_next(ORDER, ()) == ("fiber", ("fiber",))


def test_next_pick_is_first_unseen_in_order() -> None:
    assert pick_next(ORDER, ("fiber", "sleep")) == ("ferment", ("fiber", "sleep", "ferment"))


def test_all_seen_starts_a_new_cycle() -> None:
    assert pick_next(ORDER, ORDER) == ("fiber", ("fiber",))


def test_removed_tip_in_seen_is_ignored() -> None:
    assert pick_next(ORDER, ("fiber", "gone")) == ("ferment", ("fiber", "ferment"))


def test_tip_added_mid_cycle_comes_in_this_cycle() -> None:
    seen = ("fiber", "ferment")

    assert picks((*ORDER, "nature"), seen, 2) == ["sleep", "nature"]


def test_empty_order_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        pick_next((), ())


def test_upcoming_is_what_pick_next_sends() -> None:
    assert upcoming(ORDER, ("fiber",)) == "ferment"


@given(order=orders)
def test_a_fresh_cycle_sends_every_tip_exactly_once_in_order(order: list[str]) -> None:
    assert picks(order, (), len(order)) == order


@given(order=orders, data=st.data())
def test_no_repeat_before_every_tip_was_seen(order: list[str], data: st.DataObject) -> None:
    seen = tuple(data.draw(st.lists(st.sampled_from(order), unique=True)))
    unseen = [tip for tip in order if tip not in seen]

    sent = picks(order, seen, len(unseen))

    assert sent == unseen


@given(order=orders, data=st.data())
def test_after_any_state_the_next_cycle_is_complete(order: list[str], data: st.DataObject) -> None:
    seen = tuple(data.draw(st.lists(st.sampled_from(order), unique=True)))
    unseen = len([tip for tip in order if tip not in seen]) or len(order)

    sent = picks(order, seen, unseen + len(order))

    assert sorted(sent[-len(order) :]) == sorted(order)


@given(old=orders, new=orders, data=st.data())
def test_content_change_keeps_the_cursor_valid(
    old: list[str], new: list[str], data: st.DataObject
) -> None:
    seen = tuple(data.draw(st.lists(st.sampled_from(old), unique=True)))

    tip, now_seen = pick_next(new, seen)

    assert tip in new
    assert set(now_seen) <= set(new)
    assert tip not in set(seen) & set(new) or set(new) <= set(seen)


@given(order=orders, data=st.data())
def test_seen_never_grows_beyond_the_order(order: list[str], data: st.DataObject) -> None:
    seen = tuple(data.draw(st.lists(st.sampled_from(order), unique=True)))

    for _ in range(3 * len(order)):
        _, seen = pick_next(order, seen)
        assert len(seen) == len(set(seen)) <= len(order)


# --- adaptive order from the second cycle on ----------------------------------------------

counts_for = st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 50), max_size=16)


def one_cycle(
    order: Sequence[str], logged: dict[str, int] | None, start: tuple[str, ...] = ()
) -> list[str]:
    """Picks from an empty (or given) cycle until the cycle is complete."""
    sent: list[str] = []
    seen = start
    for _ in range(len(order) - len(start)):
        tip, seen = pick_next(order, seen, logged)
        sent.append(tip)
    return sent


def test_the_least_logged_tip_comes_first() -> None:
    assert pick_next(ORDER, (), {"fiber": 3, "ferment": 1, "sleep": 2}) == (
        "ferment",
        ("ferment",),
    )


def test_ties_keep_content_order() -> None:
    assert one_cycle(ORDER, {"fiber": 1, "ferment": 1, "sleep": 1}) == list(ORDER)


def test_a_tip_never_logged_counts_as_zero() -> None:
    assert upcoming(ORDER, (), {"fiber": 2, "ferment": 1}) == "sleep"


def test_a_complete_cycle_opens_the_next_with_the_least_logged() -> None:
    assert pick_next(ORDER, ORDER, {"fiber": 5, "ferment": 5, "sleep": 0}) == (
        "sleep",
        ("sleep",),
    )


def test_cycle_complete_only_when_every_tip_was_seen() -> None:
    assert not cycle_complete(ORDER, ("fiber", "sleep"))
    assert cycle_complete(ORDER, ("sleep", "gone", "ferment", "fiber"))


@given(orders)
def test_first_cycle_is_content_order(order: list[str]) -> None:
    assert one_cycle(order, None) == order


@given(orders, counts_for)
def test_an_adaptive_cycle_contains_each_tip_exactly_once(
    order: list[str], logged: dict[str, int]
) -> None:
    cycle = one_cycle(order, logged)
    assert sorted(cycle) == sorted(order)


@given(orders, counts_for)
def test_an_adaptive_cycle_is_sorted_by_count_then_content_order(
    order: list[str], logged: dict[str, int]
) -> None:
    cycle = one_cycle(order, logged)
    assert cycle == sorted(order, key=lambda tip: (logged.get(tip, 0), order.index(tip)))


@given(orders, counts_for, st.data())
def test_counts_changing_mid_cycle_never_repeat_a_tip(
    order: list[str], logged: dict[str, int], data: st.DataObject
) -> None:
    seen: tuple[str, ...] = ()
    sent: list[str] = []
    for _ in order:
        # Check-ins arrive between deliveries, so every pick may see different counts.
        changed = data.draw(st.dictionaries(st.sampled_from(order), st.integers(0, 9)))
        tip, seen = pick_next(order, seen, {**logged, **changed})
        sent.append(tip)
    assert sorted(sent) == sorted(order)
