"""A request class around another that tells the TelegramLink whether each call was answered."""

from __future__ import annotations

import json

from telegram._utils.types import JSONDict, ODVInput
from telegram.error import TelegramError
from telegram.request import BaseRequest, RequestData

from nudgebot.monitoring.telegram_link import TelegramLink
from nudgebot.telegram.aiohttp_request import PoolTimedOut


class ObservedRequest(BaseRequest):
    """Delegates every call to `inner`; any HTTP answer means reachable, no answer means not.

    An error status (401, 429, 5xx) is still Telegram answering. Waiting for a free connection
    of our own pool says nothing about Telegram, so it is not counted either way.
    """

    __slots__ = ("_inner", "_link")

    def __init__(self, inner: BaseRequest, link: TelegramLink) -> None:
        self._inner = inner
        self._link = link

    @property
    def inner(self) -> BaseRequest:
        """The request class that does the calls."""
        return self._inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """PTB's parsing, without its ERROR log and traceback for a body that is not JSON.

        Such a body (a web server's 404 page: a wrong NUDGEBOT_TELEGRAM_API_URL) ends in the
        error PTB raises, which the caller reports in one line.
        """
        try:
            parsed: JSONDict = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as error:
            raise TelegramError("Invalid server response") from error
        return parsed

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        link = self._link
        began_after = link.failures
        try:
            answer = await self._inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except PoolTimedOut:
            raise
        except (TelegramError, OSError) as error:
            link.failed(error)
            raise
        link.answered(began_after)
        return answer
