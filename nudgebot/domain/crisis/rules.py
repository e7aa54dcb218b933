"""The crisis rules in one place: concepts (acts, feelings) and the guards that follow them."""

from __future__ import annotations

from nudgebot.domain.crisis.acts import ACTS
from nudgebot.domain.crisis.feelings import FEELINGS
from nudgebot.domain.crisis.guards import GUARDS

# Each rule is a sequence of word classes (lexicon.py, in capitals) and words, matched inside
# one clause. `a/B/c` is a choice, `~N` up to N other words (never a negation such as "not"),
# `x?` optional, `^` and `$` the start and end of a clause, `+x` "followed by x" and `-x`
# "not followed by x". Recall matters more than precision here: a false alarm costs one
# caring message, a miss can cost far more.
RULES: dict[str, tuple[str, ...]] = {**ACTS, **FEELINGS}

__all__ = ["GUARDS", "RULES"]
