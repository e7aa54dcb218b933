"""Talking to the Bot API: request classes, connections, HTTP/1.1, prepared calls, rate limit."""
