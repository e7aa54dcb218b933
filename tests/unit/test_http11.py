"""The HTTP/1.1 answer parser: framing by RFC 9112, a cap on every part, bytes however they come."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nudgebot.telegram.http11 import (
    MAX_BODY,
    MAX_HEAD,
    MAX_LINE,
    IncompleteResponseError,
    MalformedResponseError,
    Response,
    ResponseParser,
)

BODY = b'{"ok":true,"result":{"message_id":7,"date":0,"chat":{"id":1,"type":"private"}}}'
TELEGRAM = (
    b"HTTP/1.1 200 OK\r\nServer: nginx/1.18.0\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
    b"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: keep-alive\r\n"
    b"Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\r\n\r\n%s"
) % (len(BODY), BODY)


def with_length(
    body: bytes = BODY, head: bytes = b"HTTP/1.1 200 OK\r\n", extra: bytes = b""
) -> bytes:
    return head + b"Content-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


def chunked(pieces: list[bytes], trailers: bytes = b"", head: bytes = b"HTTP/1.1 200 OK") -> bytes:
    answer = head + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
    for piece in pieces:
        answer += b"%x\r\n%s\r\n" % (len(piece), piece)
    return answer + b"0\r\n" + trailers + b"\r\n"


def parse(answer: bytes, *, head_request: bool = False) -> Response:
    """The answer fed in one read; it must be whole by its last byte."""
    response = ResponseParser(head_request=head_request).feed(answer)
    assert response is not None, "the parser still waits for more"
    return response


def reject(answer: bytes) -> str:
    """The reason the parser refuses `answer`, which must come as soon as the bytes are in."""
    with pytest.raises(MalformedResponseError) as refused:
        ResponseParser().feed(answer)
    return str(refused.value)


def feed_in_pieces(answer: bytes, cuts: list[int]) -> Response | None:
    """The answer fed in reads that end at `cuts`; None until its last byte is in."""
    parser = ResponseParser()
    response = None
    ends = sorted({cut for cut in cuts if 0 < cut < len(answer)} | {len(answer)})
    start = 0
    for end in ends:
        assert response is None, "an answer before its last byte"
        response = parser.feed(answer[start:end])
        start = end
    return response


# Whole answers


def test_a_telegram_answer_gives_status_body_and_keep_alive() -> None:
    response = parse(TELEGRAM)

    assert (response.status, response.body, response.keep_alive) == (200, BODY, True)


def test_a_content_length_answer_is_whole_only_at_its_last_byte() -> None:
    parser = ResponseParser()

    assert parser.feed(TELEGRAM[:-1]) is None
    response = parser.feed(TELEGRAM[-1:])

    assert response is not None
    assert response.body == BODY


@given(st.lists(st.integers(min_value=0, max_value=len(TELEGRAM)), max_size=12))
def test_an_answer_split_into_any_reads_parses_the_same(cuts: list[int]) -> None:
    response = feed_in_pieces(TELEGRAM, cuts)

    assert response is not None
    assert (response.status, response.body, response.keep_alive) == (200, BODY, True)


@given(
    st.lists(st.binary(min_size=1, max_size=40), max_size=8),
    st.lists(st.integers(min_value=0, max_value=400), max_size=12),
)
def test_a_chunked_body_is_the_chunks_joined_however_the_bytes_arrive(
    pieces: list[bytes], cuts: list[int]
) -> None:
    answer = chunked(pieces, trailers=b"X-Trace: 1\r\n")

    response = feed_in_pieces(answer, cuts)

    assert response is not None
    assert (response.body, response.keep_alive) == (b"".join(pieces), True)


def test_a_body_without_length_ends_when_the_server_closes() -> None:
    parser = ResponseParser()

    assert parser.feed(b"HTTP/1.1 200 OK\r\n\r\n" + BODY[:10]) is None
    assert parser.feed(BODY[10:]) is None
    response = parser.feed_eof()

    assert (response.body, response.keep_alive) == (BODY, False)


@pytest.mark.parametrize(
    "answer",
    [with_length()[:-1], chunked([BODY])[:-2], b"HTTP/1.1 200 OK\r\nContent-Le", b""],
    ids=["body cut short", "last chunk cut short", "head cut short", "nothing"],
)
def test_a_close_before_the_answer_is_whole_is_incomplete(answer: bytes) -> None:
    parser = ResponseParser()
    parser.feed(answer)

    with pytest.raises(IncompleteResponseError):
        parser.feed_eof()


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_follows_204_or_304_even_with_a_content_length(status: int) -> None:
    response = parse(b"HTTP/1.1 %d X\r\nContent-Length: 25\r\n\r\n" % status)

    assert (response.status, response.body, response.keep_alive) == (status, b"", True)


def test_the_answer_to_head_has_no_body() -> None:
    response = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n", head_request=True)

    assert (response.status, response.body, response.keep_alive) == (200, b"", True)


def test_interim_answers_are_skipped() -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"

    assert parse(answer + with_length()).body == BODY


def test_connection_close_ends_the_connection() -> None:
    assert not parse(with_length(extra=b"Connection: close\r\n")).keep_alive


def test_http_1_0_keeps_the_connection_only_when_asked() -> None:
    plain = parse(with_length(head=b"HTTP/1.0 200 OK\r\n"))
    asked = parse(with_length(head=b"HTTP/1.0 200 OK\r\n", extra=b"Connection: Keep-Alive\r\n"))

    assert (plain.keep_alive, asked.keep_alive) == (False, True)


def test_bytes_after_the_answer_end_the_connection() -> None:
    response = parse(with_length() + b"HTTP/1.1 200")

    assert (response.body, response.keep_alive) == (BODY, False)


# What RFC 9112 lets a client accept


@pytest.mark.parametrize(
    "answer",
    [
        with_length(head=b"HTTP/1.2 200 OK\r\n"),
        with_length(head=b"HTTP/1.1 200\r\n"),
        with_length(head=b"HTTP/1.1 200 \r\n"),
        with_length().replace(b"\r\n", b"\n", 2),
        with_length(extra=b"X-Long: a\r\n  b\r\n"),
        b"HTTP/1.1 200 OK\r\nContent-Length:   %d \t\r\n\r\n%s" % (len(BODY), BODY),
        b"HTTP/1.1 200 OK\r\nContent-Length: 000%d\r\n\r\n%s" % (len(BODY), BODY),
        b"HTTP/1.1 200 OK\r\nCONTENT-LENGTH: %d\r\n\r\n%s" % (len(BODY), BODY),
        chunked([BODY]).replace(b"Transfer-Encoding: chunked", b"transfer-encoding: Chunked"),
        chunked([BODY]).replace(b"\r\n%x\r\n" % len(BODY), b"\r\n%x;name=value\r\n" % len(BODY)),
        chunked([BODY]).replace(b"\r\n%x\r\n" % len(BODY), b"\r\n%x \r\n" % len(BODY)),
    ],
    ids=[
        "a later HTTP/1 minor version read as 1.1 (RFC 9110 6.2)",
        "no reason phrase",
        "an empty reason phrase",
        "lines ending in a bare LF (2.2)",
        "an obs-fold unfolded (5.2)",
        "whitespace around a Content-Length",
        "leading zeros in a Content-Length",
        "field names in any case",
        "the chunked coding in any case",
        "a chunk extension",
        "whitespace after a chunk size",
    ],
)
def test_what_a_client_may_accept_parses(answer: bytes) -> None:
    response = parse(answer)

    assert (response.status, response.body) == (200, BODY)


@pytest.mark.parametrize("status", [99, 600, 999])
def test_a_three_digit_status_out_of_range_is_passed_on_for_the_caller_to_treat_as_an_error(
    status: int,
) -> None:
    # RFC 9110 15: "process the response as if it had a 5xx status"; PTB does just that.
    assert parse(with_length(head=b"HTTP/1.1 %03d X\r\n" % status)).status == status


# What RFC 9112 says to reject


@pytest.mark.parametrize(
    "answer",
    [
        with_length(head=b"HTTP/1.1 2000 OK\r\n"),
        with_length(head=b"HTTP/1.1 20 OK\r\n"),
        with_length(head=b"HTTP/1.1 abc OK\r\n"),
        with_length(head=b"HTTP/1.1  200 OK\r\n"),
        with_length(head=b"HTTP/1.1 200OK\r\n"),
        with_length(head=b"HTTP/2.0 200 OK\r\n"),
        with_length(head=b"http/1.1 200 OK\r\n"),
        with_length(head=b"HTTP/1.1 200 O\x01K\r\n"),
        b"\r\n" + with_length(),
        b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
    ],
    ids=[
        "status 2000",
        "status 20",
        "status abc",
        "two spaces before the status",
        "no space after the status",
        "HTTP/2.0 in a text status line",
        "a lower-case protocol name",
        "a control character in the reason",
        "an empty line before the status line",
        "not HTTP at all",
        "a protocol switch nobody asked for",
    ],
)
def test_a_malformed_status_line_is_refused(answer: bytes) -> None:
    reject(answer)


@pytest.mark.parametrize(
    "value",
    [b"+25", b"0x19", b"-1", b"25x", b"", b"2_5", b"25, 25", "٢٥".encode(), b"2 5"],
    ids=[
        "plus",
        "hex",
        "negative",
        "trailing letter",
        "empty",
        "underscore",
        "list",
        "arabic",
        "space",
    ],
)
def test_a_content_length_that_is_not_plain_digits_is_refused(value: bytes) -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %s\r\n\r\n%s" % (value, BODY)

    assert reject(answer) == "Content-Length is not a number"


@pytest.mark.parametrize("second", [len(BODY) + 1, len(BODY)], ids=["conflicting", "repeated"])
def test_more_than_one_content_length_is_refused(second: int) -> None:
    # RFC 9110 8.6 lets a recipient refuse even equal repeats; aiohttp refuses both too.
    answer = with_length(extra=b"Content-Length: %d\r\n" % second)

    assert reject(answer) == "more than one Content-Length"


@pytest.mark.parametrize("connection", [b"", b"Connection: close\r\n"], ids=["kept", "closing"])
def test_both_transfer_encoding_and_content_length_are_refused(connection: bytes) -> None:
    answer = chunked([BODY]).replace(
        b"\r\n\r\n", b"\r\nContent-Length: 5\r\n%s\r\n" % connection, 1
    )

    assert reject(answer) == "both Transfer-Encoding and Content-Length"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (chunked([BODY], head=b"HTTP/1.0 200 OK"), "Transfer-Encoding in an HTTP/1.0 answer"),
        (
            chunked([BODY]).replace(b": chunked", b": gzip, chunked"),
            "a transfer coding other than chunked",
        ),
        (
            chunked([BODY]).replace(b": chunked", b": chunked, chunked"),
            "a transfer coding other than chunked",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + BODY,
            "a transfer coding other than chunked",
        ),
    ],
    ids=["in HTTP/1.0", "gzip then chunked", "chunked twice", "gzip alone"],
)
def test_a_transfer_encoding_we_cannot_frame_is_refused(answer: bytes, reason: str) -> None:
    assert reject(answer) == reason


@pytest.mark.parametrize(
    "size_line",
    [b"0x19", b"+19", b"-19", b"zz", b"", b"19\n", b"1 9"],
    ids=["hex prefix", "plus", "negative", "not hex", "empty", "bare LF", "space inside"],
)
def test_a_malformed_chunk_size_is_refused(size_line: bytes) -> None:
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s\r\n%s\r\n0\r\n\r\n" % (
        size_line,
        BODY[:25],
    )

    assert reject(answer) == "not a chunk-size line"


def test_chunk_data_not_followed_by_crlf_is_refused() -> None:
    answer = chunked([BODY]).replace(BODY + b"\r\n", BODY + b"XX")

    assert reject(answer) == "chunk data not followed by CRLF"


@pytest.mark.parametrize(
    "line",
    [
        b"Foo bar",
        b"Content-Length : 5",
        b"X(A): 1",
        b": x",
        b"X-A: a\rb",
        b"X-A: a\x00b",
        b"X-A: a\x7fb",
    ],
    ids=[
        "no colon",
        "whitespace before the colon",
        "a name that is not a token",
        "an empty name",
        "a bare CR",
        "a NUL",
        "a DEL",
    ],
)
def test_a_malformed_header_line_is_refused(line: bytes) -> None:
    assert reject(with_length(extra=line + b"\r\n")) == "an invalid header line"


def test_whitespace_before_the_first_field_is_refused() -> None:
    answer = with_length().replace(b"OK\r\n", b"OK\r\n X-A: 1\r\n", 1)

    assert reject(answer) == "an invalid header line"


def test_a_folded_content_length_is_refused() -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n 5\r\n\r\n" + BODY

    assert reject(answer) == "Content-Length is not a number"


def test_a_malformed_trailer_line_is_refused() -> None:
    assert reject(chunked([BODY], trailers=b"bad trailer\r\n")) == "an invalid trailer line"


# Caps


def test_a_head_over_64_kib_in_one_read_is_refused() -> None:
    fields = b"X-Filler: %s\r\n" % (b"a" * 8000) * 9
    assert len(fields) > MAX_HEAD

    assert reject(with_length(extra=fields)) == "the head is over 64 KiB"


def test_a_head_over_64_kib_is_refused_before_it_ends() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\n")
    line = b"X-Filler: %s\r\n" % (b"a" * 1000)
    for _ in range(64):  # 64 lines of 1,012 bytes and the status line: just under 64 KiB
        assert parser.feed(line) is None

    with pytest.raises(MalformedResponseError, match="the head is over 64 KiB"):
        parser.feed(line)


def test_a_head_just_under_64_kib_is_accepted() -> None:
    fields = b"X-Filler: %s\r\n" % (b"a" * 8000) * 8

    assert parse(with_length(extra=fields)).body == BODY


def test_interim_answers_count_towards_the_head_cap() -> None:
    interim = b"HTTP/1.1 100 Continue\r\nX-Filler: %s\r\n\r\n" % (b"a" * 8000)

    assert reject(interim * 9 + with_length()) == "the head is over 64 KiB"


def test_a_header_line_over_8_kib_is_refused() -> None:
    line = b"X-Big: " + b"a" * (MAX_LINE - 6) + b"\r\n"

    assert reject(with_length(extra=line)) == "a head line is over 8 KiB"


def test_a_header_line_over_8_kib_is_refused_before_it_ends() -> None:
    assert reject(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * MAX_LINE) == "a head line is over 8 KiB"


def test_a_header_line_of_8_kib_is_accepted() -> None:
    line = b"X-Big: " + b"a" * (MAX_LINE - 7) + b"\r\n"

    assert parse(with_length(extra=line)).body == BODY


def test_a_chunk_size_line_over_8_kib_is_refused_before_it_ends() -> None:
    answer = chunked([]).replace(b"\r\n0\r\n", b"\r\n19;" + b"a" * MAX_LINE)

    assert reject(answer) == "a chunk-size line is over 8 KiB"


def test_a_content_length_over_64_mib_is_refused_at_the_head() -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1)

    assert reject(answer) == "the body is over 64 MiB"


def test_a_content_length_of_thousands_of_digits_is_refused_at_the_head() -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %s\r\n\r\n" % (b"9" * 5000)

    assert reject(answer) == "the body is over 64 MiB"


@pytest.mark.parametrize("size", [b"4000001", b"ffffffffffffffffffff"], ids=["64 MiB + 1", "huge"])
def test_a_chunk_over_64_mib_is_refused_before_its_data(size: bytes) -> None:
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s\r\n" % size

    assert reject(answer) == "the body is over 64 MiB"


def test_chunks_adding_up_to_more_than_64_mib_are_refused() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    half = b"a" * (MAX_BODY // 2)
    parser.feed(b"%x\r\n%s\r\n" % (len(half), half))
    parser.feed(b"%x\r\n%s\r\n" % (len(half), half))

    with pytest.raises(MalformedResponseError, match="the body is over 64 MiB"):
        parser.feed(b"1\r\n")


def test_a_body_without_length_over_64_mib_is_refused_once_it_passes_the_cap() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
    parser.feed(b"a" * MAX_BODY)

    with pytest.raises(MalformedResponseError, match="the body is over 64 MiB"):
        parser.feed(b"a")


def test_a_trailer_line_over_8_kib_is_refused() -> None:
    trailer = b"X-Big: " + b"a" * MAX_LINE + b"\r\n"

    assert reject(chunked([BODY], trailers=trailer)) == "a trailer line is over 8 KiB"


def test_trailers_over_64_kib_are_refused() -> None:
    trailers = b"X-Filler: %s\r\n" % (b"a" * 8000) * 9

    assert reject(chunked([BODY], trailers=trailers)) == "the trailers are over 64 KiB"
