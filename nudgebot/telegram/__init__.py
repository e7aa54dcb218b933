"""Talking to the Bot API: request classes, prepared calls and the rate limiter."""
