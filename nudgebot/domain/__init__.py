"""Pure domain logic of nudgebot: schedules, rotation, streaks and text matching, with no I/O."""
