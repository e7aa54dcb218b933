"""A dead engine's stale claim is judged by its mark and by what its send journal testifies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain import settlement
from nudgebot.domain.settlement import Fate, StaleClaim, Verdict, verdict

CLAIMER = "a1b2c3"


def marked(delivery_id: int = 7) -> StaleClaim:
    return StaleClaim(delivery_id, CLAIMER, marked=True)


def unmarked(delivery_id: int = 7) -> StaleClaim:
    return StaleClaim(delivery_id, CLAIMER, marked=False)


def test_an_unmarked_claim_is_released_without_testimony() -> None:
    assert verdict(unmarked(), None) == Verdict(Fate.RELEASED)


def test_an_unmarked_claim_is_released_whatever_the_journal_says() -> None:
    testimony = settlement.Testimony(
        False, handed=frozenset({7}), sent={7: 99}, unsent=frozenset({7})
    )

    assert verdict(unmarked(), testimony) == Verdict(Fate.RELEASED)


def test_a_marked_claim_without_testimony_is_unknown() -> None:
    assert verdict(marked(), None) == Verdict(Fate.UNKNOWN)


def test_a_claim_answered_as_sent_is_sent_with_its_message_id() -> None:
    testimony = settlement.Testimony(True, sent={7: 4242})

    assert verdict(marked(), testimony) == Verdict(Fate.SENT, 4242)


def test_sent_is_believed_from_an_incomplete_journal() -> None:
    testimony = settlement.Testimony(False, sent={7: 4242})

    assert verdict(marked(), testimony) == Verdict(Fate.SENT, 4242)


def test_sent_wins_over_every_other_line() -> None:
    testimony = settlement.Testimony(
        True, handed=frozenset({7}), sent={7: 5}, unsent=frozenset({7})
    )

    assert verdict(marked(), testimony) == Verdict(Fate.SENT, 5)


def test_a_claim_answered_as_not_delivered_is_unsent() -> None:
    testimony = settlement.Testimony(True, unsent=frozenset({7}))

    assert verdict(marked(), testimony) == Verdict(Fate.UNSENT)


def test_unsent_is_believed_from_an_incomplete_journal() -> None:
    testimony = settlement.Testimony(False, unsent=frozenset({7}))

    assert verdict(marked(), testimony) == Verdict(Fate.UNSENT)


def test_a_complete_journal_not_naming_the_claim_releases_it() -> None:
    testimony = settlement.Testimony(
        True, handed=frozenset({1}), sent={2: 20}, unsent=frozenset({3})
    )

    assert verdict(marked(), testimony) == Verdict(Fate.RELEASED)


def test_an_incomplete_journal_not_naming_the_claim_leaves_it_unknown() -> None:
    testimony = settlement.Testimony(
        False, handed=frozenset({1}), sent={2: 20}, unsent=frozenset({3})
    )

    assert verdict(marked(), testimony) == Verdict(Fate.UNKNOWN)


def test_a_claim_handed_over_without_an_answer_is_unknown_even_in_a_complete_journal() -> None:
    testimony = settlement.Testimony(True, handed=frozenset({7}))

    assert verdict(marked(), testimony) == Verdict(Fate.UNKNOWN)


ids = st.integers(min_value=0, max_value=8)
testimonies = st.builds(
    settlement.Testimony,
    complete=st.booleans(),
    handed=st.frozensets(ids),
    sent=st.dictionaries(ids, st.integers(min_value=0, max_value=10**6)),
    unsent=st.frozensets(ids),
)
claims = st.builds(StaleClaim, delivery_id=ids, claimed_by=st.just(CLAIMER), marked=st.booleans())


@given(claims, st.none() | testimonies)
def test_a_claim_the_journal_saw_handed_over_is_never_released(
    claim: StaleClaim, testimony: settlement.Testimony | None
) -> None:
    fate = verdict(claim, testimony).fate

    unnamed = testimony is not None and claim.delivery_id not in (
        testimony.handed | testimony.sent.keys() | testimony.unsent
    )
    may_release = not claim.marked or (testimony is not None and testimony.complete and unnamed)
    assert (fate == Fate.RELEASED) == may_release
