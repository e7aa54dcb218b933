"""Talking to the Bot API over HTTP: request classes, connections and HTTP/1.1 parsing."""
