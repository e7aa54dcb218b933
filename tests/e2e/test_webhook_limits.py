"""The webhook port facing slow, silent, numerous and vanishing clients, over real sockets."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from nudgebot.web.limits import DEFAULT_LIMITS, WebLimits
from tests.e2e.rawhttp import (
    RawClient,
    errors_or_tracebacks,
    eventually,
    raise_open_file_limit,
    request_head,
)
from tests.e2e.service import running_service

# Short enough for a test, long enough that a healthy client on a loaded machine never meets it.
QUICK = WebLimits(header_seconds=1.0, body_seconds=1.0)
# A client that would keep going this long, were it not cut off: ten times the deadline.
TRICKLE_EVERY = 0.02
TRICKLE_BYTES = int(10 * QUICK.header_seconds / TRICKLE_EVERY)


async def test_a_client_trickling_its_headers_is_cut_off_at_the_header_deadline(
    fake: FakeBotApi, database_url: str, clock: ManualClock, figure: Callable[[str], None]
) -> None:
    async with running_service(fake, database_url, clock, webhook=True, limits=QUICK) as served:
        assert served.service is not None
        client = await RawClient.connect(served.service.port)
        started = time.monotonic()
        head = request_head(2, padding=TRICKLE_BYTES)
        sent = await client.trickle(head[:-1], every=TRICKLE_EVERY)
        took = time.monotonic() - started
        figure(
            f"slow-loris head: cut off after {took:.2f} s (header deadline "
            f"{QUICK.header_seconds:.0f} s), {sent} of {len(head)} bytes sent"
        )
        assert client.closed_by_server, "the server let a trickling head go on for 10 deadlines"
        assert await client.status() == 0  # closed without an answer: nothing to say to it
        assert sent < len(head) - 1
        client.close()


async def test_a_silent_connection_is_closed_at_the_header_deadline(
    fake: FakeBotApi, database_url: str, clock: ManualClock, figure: Callable[[str], None]
) -> None:
    async with running_service(fake, database_url, clock, webhook=True, limits=QUICK) as served:
        assert served.service is not None
        client = await RawClient.connect(served.service.port)
        started = time.monotonic()
        assert await client.status(timeout=10 * QUICK.header_seconds) == 0
        took = time.monotonic() - started
        figure(
            f"silent connection: closed after {took:.2f} s "
            f"(header deadline {QUICK.header_seconds:.0f} s)"
        )
        await eventually(
            lambda: served.service is not None and served.service.open_connections() == 0
        )


async def test_a_kept_alive_connection_must_send_its_next_head_in_time_too(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    async with running_service(fake, database_url, clock, webhook=True, limits=QUICK) as served:
        assert served.service is not None
        update = json.dumps(fake.user(7).draft_command("/help")).encode()
        client = await RawClient.connect(served.service.port)
        await client.send(request_head(len(update)) + update)
        await eventually(lambda: len(fake.user(7).inbox()) == 1)
        # The first request was answered and the connection kept; the second head trickles.
        head = request_head(2, padding=TRICKLE_BYTES)
        await client.trickle(head[:-1], every=TRICKLE_EVERY)
        assert client.closed_by_server
        assert await client.status() == 200  # the first answer, then the close
        client.close()


async def test_a_body_trickling_past_the_body_deadline_is_answered_400_and_closed(
    fake: FakeBotApi,
    database_url: str,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    figure: Callable[[str], None],
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_service(fake, database_url, clock, webhook=True, limits=QUICK) as served:
        assert served.service is not None
        client = await RawClient.connect(served.service.port)
        await client.send(request_head(TRICKLE_BYTES))
        started = time.monotonic()
        sent = await client.trickle(b" " * TRICKLE_BYTES, every=TRICKLE_EVERY)
        took = time.monotonic() - started
        figure(
            f"slow-loris body: cut off after {took:.2f} s (body deadline "
            f"{QUICK.body_seconds:.0f} s), {sent} of {TRICKLE_BYTES} bytes sent"
        )
        assert client.closed_by_server
        assert sent < TRICKLE_BYTES
        assert await client.status() == 400
        client.close()
    assert errors_or_tracebacks(caplog.records) == []
    assert any("body cut short" in record.getMessage() for record in caplog.records)


async def test_a_client_leaving_mid_body_is_no_error_and_the_next_update_is_answered(
    fake: FakeBotApi, database_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_service(fake, database_url, clock, webhook=True) as served:
        assert served.service is not None
        client = await RawClient.connect(served.service.port)
        await client.send(request_head(500) + b'{"update_id": 1, "message": {')
        await eventually(
            lambda: served.service is not None and served.service.requests_in_progress() == 1
        )
        client.close()
        await eventually(lambda: any("cut short" in r.getMessage() for r in caplog.records))
        ada = fake.user(7)
        assert await fake.post_to_webhook(ada.draft_command("/help")) == 200
        assert len(ada.inbox()) == 1
    assert errors_or_tracebacks(caplog.records) == []


async def test_requests_past_the_limit_are_503_at_once_and_served_again_after(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    limits = WebLimits(max_requests=2, body_seconds=30)
    async with running_service(fake, database_url, clock, webhook=True, limits=limits) as served:
        assert served.service is not None
        ada = fake.user(7)
        bodies = [json.dumps(ada.draft_command("/help")).encode() for _ in range(2)]
        # Two requests whose bodies are still on the way hold both places.
        holders = [await RawClient.connect(served.service.port) for _ in bodies]
        for holder, body in zip(holders, bodies, strict=True):
            await holder.send(request_head(len(body)) + body[:5])
        await eventually(
            lambda: served.service is not None and served.service.requests_in_progress() == 2
        )
        assert await fake.post_to_webhook(ada.draft_command("/help")) == 503
        assert ada.inbox() == []
        for holder, body in zip(holders, bodies, strict=True):
            await holder.send(body[5:])
            assert await holder.status() == 200
            holder.close()
        assert await fake.post_to_webhook(ada.draft_command("/help")) == 200
        assert len(ada.inbox()) == 3


async def hold_idle_connections(port: int, count: int) -> list[RawClient]:
    return [await RawClient.connect(port) for _ in range(count)]


async def test_a_thousand_idle_connections_do_not_keep_an_update_from_being_answered(
    fake: FakeBotApi, database_url: str, clock: ManualClock, figure: Callable[[str], None]
) -> None:
    raise_open_file_limit(4096)
    # Every idle one is kept open by the server, however slowly a loaded machine opens them.
    roomy = WebLimits(max_connections=2000, header_seconds=120)
    async with running_service(fake, database_url, clock, webhook=True, limits=roomy) as served:
        service = served.service
        assert service is not None
        idle = await hold_idle_connections(service.port, 1000)
        await eventually(lambda: service.open_connections() == 1000)
        ada = fake.user(7)
        started = time.monotonic()
        assert await fake.post_to_webhook(ada.draft_command("/help")) == 200
        took = time.monotonic() - started
        figure(f"1,000 idle connections held: /help answered in {took * 1000:.0f} ms")
        assert len(ada.inbox()) == 1
        # Answered beside them, not after dropping them.
        assert not any(client.closed_by_server for client in idle)
        for client in idle:
            client.close()


async def test_idle_connections_past_the_cap_close_the_longest_idle_and_updates_still_pass(
    fake: FakeBotApi, database_url: str, clock: ManualClock, figure: Callable[[str], None]
) -> None:
    raise_open_file_limit(4096)
    cap = DEFAULT_LIMITS.max_connections
    patient = WebLimits(header_seconds=120)  # only the cap closes connections here
    async with running_service(fake, database_url, clock, webhook=True, limits=patient) as served:
        service = served.service
        assert service is not None
        idle = await hold_idle_connections(service.port, 1000)
        await eventually(lambda: sum(client.closed_by_server for client in idle) == 1000 - cap)
        assert service.open_connections() == cap
        # The oldest were given up; the newest are still open.
        assert all(client.closed_by_server for client in idle[: 1000 - cap])
        assert not any(client.closed_by_server for client in idle[1000 - cap :])
        ada = fake.user(7)
        started = time.monotonic()
        assert await fake.post_to_webhook(ada.draft_command("/help")) == 200
        took = time.monotonic() - started
        figure(f"1,000 idle connections, {cap} kept: /help answered in {took * 1000:.0f} ms")
        assert len(ada.inbox()) == 1
        for client in idle:
            client.close()


async def test_a_request_head_over_the_head_limit_is_400_and_closed(
    fake: FakeBotApi, database_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_service(fake, database_url, clock, webhook=True) as served:
        assert served.service is not None
        client = await RawClient.connect(served.service.port)
        await client.send(request_head(2, padding=DEFAULT_LIMITS.max_head_bytes + 1) + b"{}")
        assert await client.status() == 400
        client.close()
    assert errors_or_tracebacks(caplog.records) == []


async def test_an_answer_before_the_body_was_read_closes_the_connection(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    # No deadline, not even keep-alive's, can be what closes the connection here.
    patient = WebLimits(header_seconds=120, body_seconds=120, keep_alive_seconds=120)
    async with running_service(fake, database_url, clock, webhook=True, limits=patient) as served:
        assert served.service is not None
        client = await RawClient.connect(served.service.port)
        # /healthz takes no POST: answered 405 at once, with most of the body still to come.
        await client.send(request_head(100_000, path="/healthz") + b"{")
        assert await client.status() == 405
        assert client.closed_by_server
        client.close()
