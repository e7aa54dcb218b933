"""Operator commands: argument parsing, and one module per command."""
