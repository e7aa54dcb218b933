"""Turning content and data into what Telegram shows: keyboards, pictures, captions, previews."""
