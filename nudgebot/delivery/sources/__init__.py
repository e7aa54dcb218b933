"""Sources of scheduled messages: the daily tip, reminders, weekly summaries, broadcasts."""
