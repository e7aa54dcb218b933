"""What a running bot tells its operator: Prometheus metrics and health."""
