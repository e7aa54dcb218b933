"""The HTTP face of a running bot: the server, /healthz, /metrics and the webhook."""
