"""What a test reads of the fake: its calls, each chat's messages, and waiting for either."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import TypeVar

from .chats import ChatDirectory, StoredMessage
from .message_rules import flat_buttons
from .methods import Methods
from .records import BotMessage, Call
from .wakeup import Wakeup

T = TypeVar("T")

_DUMP_LAST = 25


class Inspection:
    """The read side of `FakeBotApi`: what happened, and waiting until something has."""

    calls: list[Call]
    chats: ChatDirectory
    methods: Methods
    _changed: Wakeup
    _stopping: bool

    @property
    def polls_waiting(self) -> int:
        """getUpdates requests parked in a long poll right now."""
        return self.methods.polls_waiting

    def calls_to(self, method: str) -> list[Call]:
        """Calls of one method (any letter case), in order."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def messages(self, chat_id: int) -> list[BotMessage]:
        """Everything the bot sent into the chat, in order, edits applied, deleted ones flagged."""
        return [self.message(stored) for stored in self.chats.bot_messages(chat_id)]

    @staticmethod
    def message(stored: StoredMessage) -> BotMessage:
        """A snapshot of one stored bot message."""
        msg = stored.message
        markup = msg.get("reply_markup")
        reply_to = msg.get("reply_to_message")
        return BotMessage(
            message_id=stored.message_id,
            chat_id=stored.chat_id,
            text=str(msg.get("text", msg.get("caption", ""))),
            parse_mode=stored.parse_mode,
            reply_markup=markup,
            buttons=flat_buttons(markup),
            reply_to_message_id=reply_to["message_id"] if reply_to else None,
            edited=stored.edited,
            params=dict(stored.params),
            kind=stored.kind,
            source_text=stored.source_text,
            entities=list(msg.get("entities", msg.get("caption_entities", []))),
            deleted=stored.deleted,
        )

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 10.0,  # noqa: ASYNC109 - the tests' interface; a deadline, not a wrapper
        *,
        what: str = "",
    ) -> T:
        """The predicate's first value that is not None/False, re-checked after every call."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value is not None and value is not False:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0 or self._stopping:
                goal = what or getattr(predicate, "__name__", "condition")
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {goal}\n{self.dump_calls()}"
                )
            await self._changed.wait(remaining)

    async def wait_for_message(
        self,
        chat_id: int,
        contains: str = "",
        *,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - the tests' interface
    ) -> BotMessage:
        """The first bot message to chat_id at index >= after whose text contains `contains`."""

        def found() -> BotMessage | None:
            for message in self.messages(chat_id)[after:]:
                if contains in message.text:
                    return message
            return None

        what = f"a message to chat {chat_id} containing {contains!r} at index >= {after}"
        try:
            return await self.wait_for(found, timeout, what=what)
        except AssertionError as error:
            sent = [m.text[:80] for m in self.messages(chat_id)]
            raise AssertionError(f"{error}\nchat {chat_id} holds: {sent}") from None

    def dump_calls(self, last: int = _DUMP_LAST) -> str:
        """The last calls, one line each, for failure messages."""
        lines = [f"last {min(last, len(self.calls))} of {len(self.calls)} calls:"]
        for call in self.calls[-last:]:
            outcome = call.description or json.dumps(call.result, default=str)[:120]
            params = json.dumps(call.params, default=str, ensure_ascii=False)[:160]
            lines.append(f"  {call.status} {call.method} {params} -> {outcome}")
        return "\n".join(lines)
