"""Everything the bot says, loaded and validated from content/: model, loader, languages."""
