"""What happens when the Application starts and stops: migrations, the menu, the tick jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand

from nudgebot.app.runtime import NudgeApp, Runtime
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.handlers.context import BotContext

log = logging.getLogger(__name__)

TICK_JOB = "deliver_due"
PRUNE_JOB = "forget_old_update_ids"
PRUNE_EVERY_SECONDS = 3600.0

Job = Callable[[BotContext], Coroutine[Any, Any, None]]


async def post_init(application: NudgeApp) -> None:
    runtime = application.bot_data.runtime
    if runtime.migrate:
        await upgrade_to_head(runtime.database)
    content = application.bot_data.services.content
    # The default language's menu for everyone, then one per language for users whose
    # Telegram app is set to it (Telegram picks the menu by the user's language_code).
    for language in content.languages:
        await application.bot.set_my_commands(
            [
                BotCommand(name, description)
                for name, description in content.for_language(language.code).commands.items()
            ],
            language_code=None if language.code == content.language else language.code,
        )
    job_queue = application.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    job_queue.run_repeating(
        tick(runtime),
        interval=runtime.settings.tick_seconds,
        first=0.1,
        name=TICK_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    job_queue.run_repeating(
        prune(runtime), interval=PRUNE_EVERY_SECONDS, first=60.0, name=PRUNE_JOB
    )
    log.info("nudgebot started; delivering every %ss", runtime.settings.tick_seconds)


def tick(runtime: Runtime) -> Job:
    """The one repeating job that delivers everything due."""

    async def job(context: BotContext) -> None:
        runtime.health.tick_fired()
        # kick() returns at once; one drain loop runs while work is due, so no tick is lost.
        await runtime.engine.kick()

    return job


def prune(runtime: Runtime) -> Job:
    """Forgets update ids older than Telegram could resend."""

    async def job(context: BotContext) -> None:
        forgotten = await runtime.updates.prune()
        if forgotten:
            log.info("forgot %s update ids older than a day", forgotten)

    return job


def stop_ticking(application: NudgeApp) -> None:
    """No new delivery pass starts; the one running finishes (engine.stop waits for it)."""
    job_queue = application.job_queue
    if job_queue is not None:
        for job in job_queue.get_jobs_by_name(TICK_JOB):
            job.schedule_removal()


async def post_shutdown(application: NudgeApp) -> None:
    runtime = application.bot_data.runtime
    await runtime.engine.stop()
    await runtime.database.dispose()
