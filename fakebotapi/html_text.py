"""Parses parse_mode=HTML text the way Telegram does: plain text plus entities, or a refusal.

Follows the rules of tdlib's parse_html (supported tags, attribute syntax, error wording with
UTF-8 byte offsets). One deliberate difference, on by default: an '&' that starts no entity is
refused (Telegram keeps it as a literal), so a bot that forgets to escape user text is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "tg-emoji", "tg-time", "code", "pre", "blockquote",
    }
)  # fmt: skip
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ENTITY = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,7})|#([0-9]{1,8})|([a-zA-Z]+));?")
_SPACES = " \t\r\n\x0b\x00"
_TOKEN = re.compile(r"[A-Za-z0-9.-]*")


class HtmlParseError(ValueError):
    """Telegram's "can't parse entities" reason."""


@dataclass
class ParsedText:
    """Text as the user sees it and its entities (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, object]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int
    text_start: int
    attributes: dict[str, str]


_MARKUP = re.compile(r"[&<]")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Plain text and entities of `source`, or HtmlParseError with Telegram's wording."""
    return _Parser(source, strict_ampersand).run()


class _Parser:
    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.src = source
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.utf16 = 0
        self.open: list[_Open] = []
        self.entities: list[dict[str, object]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.utf16 += utf16_len(chars)

    def run(self) -> ParsedText:
        i = 0
        while i < len(self.src):
            char = self.src[i]
            if char == "&":
                i = self.entity(i)
            elif char == "<":
                i = self.end_tag(i) if self.at(i + 1) == "/" else self.start_tag(i)
            else:
                # Plain text up to the next tag or entity goes out in one piece.
                found = _MARKUP.search(self.src, i)
                end = found.start() if found else len(self.src)
                self.emit(self.src[i:end])
                i = end
        if self.open:
            tag = self.open[-1].tag
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        return ParsedText("".join(self.out), self.entities)

    def entity(self, i: int) -> int:
        match = _ENTITY.match(self.src, i)
        decoded = _decode(match) if match else None
        if match is None or decoded is None:
            if self.strict_ampersand:
                raise HtmlParseError(
                    f'Character "&" must be escaped as "&amp;" at byte offset {self.byte_offset(i)}'
                )
            self.emit("&")
            return i + 1
        self.emit(decoded)
        return match.end()

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        offset = self.byte_offset(begin)
        if not self.at(i):
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        tag = self.src[begin + 1 : i].lower()
        if tag not in _TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        attributes: dict[str, str] = {}
        while self.at(i) != ">":
            i = self.skip_spaces(i)
            if self.at(i) == ">":
                break
            i = self.attribute(i, tag, begin, attributes)
        argument = _argument(tag, attributes)
        if tag == "span" and argument != "tg-spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.open.append(_Open(tag, argument, self.utf16, len(self.out), attributes))
        return i + 1

    def attribute(self, i: int, tag: str, begin: int, attributes: dict[str, str]) -> int:
        name_start = i
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) not in "=>":
            i += 1
        name = self.src[name_start:i]
        if not name:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(begin)}'
            )
        i = self.skip_spaces(i)
        if self.at(i) != "=" and tag == "blockquote" and name.lower() == "expandable":
            attributes["expandable"] = ""
            return i
        if self.at(i) != "=":
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {self.byte_offset(begin)}"
            )
        i = self.skip_spaces(i + 1)
        if not self.at(i):
            raise HtmlParseError(
                f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}'
            )
        quote = self.at(i)
        if quote in ("'", '"'):
            end = self.src.find(quote, i + 1)
            if end < 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            value = _unescape(self.src[i + 1 : end])
            i = end + 1
        else:
            token = _TOKEN.match(self.src, i)
            end = token.end() if token else i
            after = self.at(end)
            if after and after not in _SPACES and after != ">":
                where = self.byte_offset(i)
                raise HtmlParseError(f"Unexpected end of name token at byte offset {where}")
            value = self.src[i:end].lower()
            i = end
        if not self.at(i):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        attributes[name.lower()] = value
        return i

    def skip_spaces(self, i: int) -> int:
        while self.at(i) and self.at(i) in _SPACES:
            i += 1
        return i

    def end_tag(self, begin: int) -> int:
        offset = self.byte_offset(begin)
        if not self.open:
            raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        name = self.src[begin + 2 : i].lower()
        i = self.skip_spaces(i)
        if self.at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
        top = self.open.pop()
        if name and name != top.tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{top.tag}>", '
                f'found "</{name}>"'
            )
        self.close(top)
        return i + 1

    def close(self, top: _Open) -> None:
        length = self.utf16 - top.offset
        if length <= 0:
            return
        entity: dict[str, object] = {"offset": top.offset, "length": length}
        if top.tag in _SIMPLE or top.tag == "span":
            entity["type"] = _SIMPLE.get(top.tag, "spoiler")
            if top.tag == "pre" and top.argument:
                entity["language"] = top.argument
        elif top.tag == "a":
            url = top.argument or "".join(self.out[top.text_start :])
            entity.update(type="text_link", url=url)
        elif top.tag == "blockquote":
            expandable = "expandable" in top.attributes
            entity["type"] = "expandable_blockquote" if expandable else "blockquote"
        elif top.tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=top.argument)
        else:  # tg-time
            entity["type"] = "date_time"
        self.entities.append(entity)


def _argument(tag: str, attributes: dict[str, str]) -> str:
    if tag == "a":
        return attributes.get("href", "")
    if tag in ("code", "pre"):
        css = attributes.get("class", "")
        return css.removeprefix("language-") if css.startswith("language-") else ""
    if tag == "span":
        return attributes.get("class", "")
    if tag == "tg-emoji":
        return attributes.get("emoji-id", "")
    return ""


def _decode(match: re.Match[str]) -> str | None:
    hex_digits, dec_digits, name = match.groups()
    if name is not None:
        return _NAMED.get(name)
    code = int(hex_digits, 16) if hex_digits is not None else int(dec_digits)
    if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape(value: str) -> str:
    return _ENTITY.sub(lambda m: _decode(m) or m.group(0), value)
