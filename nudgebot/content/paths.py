"""Where the content lives: inside the installed package, or the checkout's content/ folder."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped_content_dir() -> Path:
    """The content a wheel carries (nudgebot/content_files), else the checkout's content/.

    content/ at the top of the repository is the source of truth; the build copies it into the
    package (setup.py), so a regular install works from any folder. An editable install or a
    plain checkout has no copy and reads the top-level folder itself.
    """
    packaged = Path(str(files("nudgebot") / "content_files"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "content"


# The content root: one folder per language (content/en, content/de, ...). A folder that holds
# tips.yaml, faq.yaml and messages.yaml directly is read as English alone. safety.yaml (crisis
# resources by country) sits at the root, beside the language folders.
DEFAULT_CONTENT_DIR: Path = shipped_content_dir()
TIPS_FILE = "tips.yaml"
FAQ_FILE = "faq.yaml"
MESSAGES_FILE = "messages.yaml"
