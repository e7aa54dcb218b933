"""parse_mode=HTML is parsed, and refused, the way Telegram does."""

from __future__ import annotations

import pytest

from fakebotapi.html_text import HtmlParseError, parse_html


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        (
            "🏟 🏟&lt;<i    aba>",
            'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
        ),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_telegram_refuses_is_refused_with_its_reason(source: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as raised:
        parse_html(source)

    assert str(raised.value) == reason


def test_unescaped_ampersand_is_refused_by_default() -> None:
    with pytest.raises(HtmlParseError, match="byte offset 7"):
        parse_html("Q and A&B")


def test_unescaped_ampersand_is_a_literal_when_not_strict() -> None:
    assert parse_html("Q and A&B", strict_ampersand=False).text == "Q and A&B"


def test_entities_decode_to_characters() -> None:
    assert parse_html("&lt;3 &amp; &quot;hi&quot; &#128512; &#x41;").text == '<3 & "hi" 😀 A'


def test_closing_angle_bracket_needs_no_escape() -> None:
    assert parse_html("5 > 3").text == "5 > 3"


def test_entity_offsets_count_utf16_code_units() -> None:
    parsed = parse_html('😀 <b>bold</b> <a href="https://example.org">link</a>')

    assert parsed.entities == [
        {"offset": 3, "length": 4, "type": "bold"},
        {"offset": 8, "length": 4, "type": "text_link", "url": "https://example.org"},
    ]


def test_supported_tags_are_accepted() -> None:
    source = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><code>c</code><pre>p</pre>'
        '<pre><code class="language-python">x</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>e</blockquote>"
    )

    assert parse_html(source).text == "bsieunskdpqcpxqe"
