"""Use cases: each one owns its transaction and returns plain values for the handlers."""
