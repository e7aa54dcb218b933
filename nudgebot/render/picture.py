"""Draws the progress picture (a 4-week calendar and completion per habit) as PNG bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from nudgebot.content.model import Content
from nudgebot.domain.progress import WINDOW_DAYS, Mark, ProgressData

PICTURE_FILENAME = "progress.png"
WIDTH = 1080  # a phone screen's width in pixels: Telegram shows it without shrinking text away
MARGIN = 48
CELL_W = (WIDTH - 2 * MARGIN) // 7
CELL_H = 132
BAR_ROW = 58
# zlib level 1: far less CPU than the default 6, and a flat drawing still compresses well.
COMPRESS_LEVEL = 1
LABEL_W = 300

# Okabe-Ito colours stay apart for the common colour-blindnesses; each mark also has its own
# shape (filled disc, half disc, dashed ring, dot), so nothing depends on hue alone.
INK = (34, 34, 34)
MUTED = (110, 110, 110)
GRID = (214, 214, 214)
PAPER = (255, 255, 255)
DONE = (0, 114, 178)  # blue
PARTLY = (230, 159, 0)  # orange
SKIPPED = (120, 120, 120)  # grey
TODAY = (0, 158, 115)  # bluish green frame around today's cell


@dataclass(frozen=True, slots=True)
class Labels:
    """The picture's words, from content/messages.yaml (plain text: the picture has no HTML)."""

    title: str = "Your last 4 weeks"
    span: str = "{first} to {last}"
    streaks: str = "Current streak: {current}    Best streak: {best}"
    days: str = "Days with a check-in: {days} of {total}"
    done: str = "Done"
    partly: str = "Partly"
    skipped: str = "Not today"
    none: str = "No entry"
    completion: str = "Completion per habit"
    share: str = "{logged} of {offered}"
    not_yet: str = "not yet"
    months: tuple[str, ...] = (
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    )  # fmt: skip
    weekdays: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

    def date(self, day: date, *, year: bool = False) -> str:
        text = f"{day.day} {self.months[day.month - 1]}"
        return f"{text} {day.year}" if year else text


def labels_from(content: Content) -> Labels:
    """The picture's words as the content says them."""
    return Labels(
        title=content.plain("picture_title"),
        span=content.messages["picture_span"],
        streaks=content.messages["picture_streaks"],
        days=content.messages["picture_days"],
        done=content.plain("picture_done"),
        partly=content.plain("picture_partly"),
        skipped=content.plain("picture_skipped"),
        none=content.plain("picture_none"),
        completion=content.plain("picture_completion"),
        share=content.messages["picture_share"],
        not_yet=content.plain("picture_not_yet"),
        months=content.names("picture_months"),
        weekdays=content.names("picture_weekdays"),
    )


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled default font (Pillow >= 10.1 scales it): no font file to ship or fetch.
    return ImageFont.load_default(size=size)


def _day_label(day_index: int, data: ProgressData, labels: Labels) -> str:
    day = data.days[day_index]
    # The month appears where the calendar starts and where a new month begins.
    if day_index == 0 or day.day == 1:
        return labels.date(day)
    return str(day.day)


def draw_mark(draw: ImageDraw.ImageDraw, mark: Mark, cx: int, cy: int, r: int) -> None:
    """One mark: its shape alone tells it apart, colour only helps."""
    box = (cx - r, cy - r, cx + r, cy + r)
    if mark == Mark.DONE:
        draw.ellipse(box, fill=DONE)
        # A check mark inside the disc.
        draw.line(
            [(cx - r // 2, cy), (cx - r // 8, cy + r // 2 - 2), (cx + r // 2, cy - r // 2 + 2)],
            fill=PAPER,
            width=max(3, r // 5),
            joint="curve",
        )
    elif mark == Mark.PARTLY:
        draw.ellipse(box, outline=PARTLY, width=max(3, r // 6))
        draw.pieslice(box, 90, 270, fill=PARTLY)
    elif mark == Mark.SKIPPED:
        draw.ellipse(box, outline=SKIPPED, width=max(2, r // 8))
        draw.line([(cx - r // 2, cy), (cx + r // 2, cy)], fill=SKIPPED, width=max(3, r // 6))
    else:
        dot = max(3, r // 6)
        draw.ellipse((cx - dot, cy - dot, cx + dot, cy + dot), fill=GRID)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> str:
    font = _font(size)
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + ".", font=font) > width:
        text = text[:-1]
    return text + "."


def render_progress(data: ProgressData, labels: Labels | None = None) -> bytes:
    """The picture as PNG bytes; the same data always gives the same bytes."""
    labels = labels or Labels()
    height = 370 + 4 * CELL_H + 110 + 80 + len(data.habits) * BAR_ROW + MARGIN
    image = Image.new("RGB", (WIDTH, height), PAPER)
    draw = ImageDraw.Draw(image)
    y = _header(draw, data, labels, MARGIN)
    y = _calendar(draw, data, labels, y)
    y = _legend(draw, labels, y)
    _completion(draw, data, labels, y)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=COMPRESS_LEVEL)
    return out.getvalue()


def _header(draw: ImageDraw.ImageDraw, data: ProgressData, labels: Labels, y: int) -> int:
    """Title, dates, streaks and days logged; returns where the next part starts."""
    first, last = data.first_day, data.today
    draw.text((MARGIN, y), labels.title, font=_font(56), fill=INK)
    y += 72
    span = labels.span.format(
        first=labels.date(first, year=True), last=labels.date(last, year=True)
    )
    draw.text((MARGIN, y), span, font=_font(32), fill=MUTED)
    y += 56
    streaks = labels.streaks.format(current=data.current_streak, best=data.best_streak)
    draw.text((MARGIN, y), streaks, font=_font(38), fill=INK)
    y += 64
    logged = labels.days.format(days=data.days_logged, total=WINDOW_DAYS)
    draw.text((MARGIN, y), logged, font=_font(32), fill=INK)
    return y + 70


def _calendar(draw: ImageDraw.ImageDraw, data: ProgressData, labels: Labels, y: int) -> int:
    """4 rows of 7 days, oldest at the top left, today (framed) at the bottom right."""
    for column in range(7):
        name = labels.weekdays[data.days[column].weekday()]
        draw.text((MARGIN + column * CELL_W + 10, y), name, font=_font(28), fill=MUTED)
    y += 44
    for index, (mark, label) in enumerate(data.day_marks()):
        row, column = divmod(index, 7)
        x0, y0 = MARGIN + column * CELL_W, y + row * CELL_H
        today = index == WINDOW_DAYS - 1
        draw.rectangle(
            (x0 + 3, y0 + 3, x0 + CELL_W - 3, y0 + CELL_H - 3),
            outline=TODAY if today else GRID,
            width=5 if today else 2,
        )
        draw.text((x0 + 12, y0 + 8), _day_label(index, data, labels), font=_font(26), fill=INK)
        draw_mark(draw, mark, x0 + CELL_W // 2, y0 + 66, 24)
        if label:
            short = _fit(draw, label, 22, CELL_W - 16)
            draw.text((x0 + 10, y0 + CELL_H - 34), short, font=_font(22), fill=INK)
    return y + 4 * CELL_H + 24


def _legend(draw: ImageDraw.ImageDraw, labels: Labels, y: int) -> int:
    """The same shapes as the calendar, named."""
    x = MARGIN
    for mark, name in (
        (Mark.DONE, labels.done),
        (Mark.PARTLY, labels.partly),
        (Mark.SKIPPED, labels.skipped),
        (Mark.NONE, labels.none),
    ):
        draw_mark(draw, mark, x + 20, y + 22, 18)
        draw.text((x + 50, y + 4), name, font=_font(30), fill=INK)
        x += 60 + int(draw.textlength(name, font=_font(30))) + 40
    return y + 86


def _completion(draw: ImageDraw.ImageDraw, data: ProgressData, labels: Labels, y: int) -> None:
    """One bar per habit: the share of the times it came that it was logged."""
    draw.text((MARGIN, y), labels.completion, font=_font(40), fill=INK)
    y += 64
    bar_x0, bar_x1 = MARGIN + LABEL_W, WIDTH - MARGIN - 150
    for habit in data.habits:
        label = _fit(draw, habit.label, 30, LABEL_W - 16)
        draw.text((MARGIN, y + 8), label, font=_font(30), fill=INK)
        draw.rectangle((bar_x0, y + 8, bar_x1, y + 40), outline=GRID, width=2)
        share = habit.completion
        if share:
            filled = bar_x0 + int((bar_x1 - bar_x0) * share)
            draw.rectangle((bar_x0, y + 8, filled, y + 40), fill=DONE)
        offered = max(habit.offered, habit.logged)
        figure = (
            labels.share.format(logged=habit.logged, offered=offered) if offered else labels.not_yet
        )
        draw.text((bar_x1 + 16, y + 8), figure, font=_font(30), fill=INK if offered else MUTED)
        y += BAR_ROW
