"""Telegram's HTML parse mode, checked offline: allowed tags, entities, visible length."""

from __future__ import annotations

import html
import re

MAX_MESSAGE_LENGTH = 4096  # Telegram's limit for a text message after entity parsing

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9A-Fa-f]+);")
_HREF = re.compile(r"""\s+href\s*=\s*(?:"[^"]*"|'[^']*')\s*""")
_ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "code", "a"})


def telegram_html_problems(text: str) -> list[str]:
    """Why Telegram's HTML parse mode would refuse text ([] when it would accept it)."""
    problems: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG.match(text, pos)
            if match is None:
                problems.append("unescaped '<' (write &lt;)")
                pos += 1
                continue
            pos = match.end()
            closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
            if name not in _ALLOWED_TAGS:
                problems.append(f"tag <{name}> is not allowed")
            elif closing:
                if attrs.strip() or not open_tags or open_tags[-1] != name:
                    problems.append(f"</{name}> does not close the open tag")
                else:
                    open_tags.pop()
            else:
                if name == "a" and not _HREF.fullmatch(attrs):
                    problems.append("<a> needs exactly one href attribute")
                elif name != "a" and attrs.strip():
                    problems.append(f"<{name}> takes no attributes")
                open_tags.append(name)
        elif char == "&":
            match = _ENTITY.match(text, pos)
            if match is None:
                problems.append("unescaped '&' (write &amp;)")
                pos += 1
            else:
                pos = match.end()
        else:
            if char == ">":
                problems.append("unescaped '>' (write &gt;)")
            pos += 1
    problems.extend(f"<{name}> is never closed" for name in reversed(open_tags))
    return problems


def visible_text(text: str) -> str:
    """What the reader sees of an HTML message: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def telegram_length(text: str) -> int:
    """Length as Telegram counts it against the 4096 limit (UTF-16 code units, visible text)."""
    return len(visible_text(text).encode("utf-16-le")) // 2
