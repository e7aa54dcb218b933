"""Where the content lives: the folder shipped beside the package, and its file names."""

from __future__ import annotations

from pathlib import Path

# The content root: one folder per language (content/en, content/de, ...). A folder that holds
# tips.yaml, faq.yaml and messages.yaml directly is read as English alone. safety.yaml (crisis
# resources by country) sits at the root, beside the language folders.
DEFAULT_CONTENT_DIR: Path = Path(__file__).resolve().parents[2] / "content"
TIPS_FILE = "tips.yaml"
FAQ_FILE = "faq.yaml"
MESSAGES_FILE = "messages.yaml"
