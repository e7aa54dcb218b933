"""Assembly: the python-telegram-bot Application built from Settings, and what it owns."""
