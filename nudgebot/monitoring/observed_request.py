"""A request class around another that tells the TelegramLink whether each call was answered."""

from __future__ import annotations

from telegram._utils.types import ODVInput
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
