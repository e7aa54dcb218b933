"""The progress picture: a PNG a phone shows well, the same bytes for the same data."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image, ImageDraw

from nudgebot.content.model import Content
from nudgebot.domain.progress import Mark, ProgressData, build_progress
from nudgebot.render.picture import (
    DONE,
    PARTLY,
    WIDTH,
    Labels,
    draw_mark,
    labels_from,
    render_progress,
)

TODAY = date(2026, 3, 29)


def sample(content: Content, *, checkins: int = 28) -> ProgressData:
    outcomes = ("done", "partly", "skipped", "done")
    rows = [
        (TODAY - timedelta(days=n), content.tips[n % 12].id, outcomes[n % 4])
        for n in range(checkins)
    ]
    return build_progress(
        TODAY,
        [(tip.id, tip.label) for tip in content.tips],
        rows,
        {tip.id: 3 for tip in content.tips},
        current_streak=1,
        best_streak=4,
    )


def test_the_picture_is_a_phone_wide_rgb_png(content: Content) -> None:
    image = Image.open(io.BytesIO(render_progress(sample(content), labels_from(content))))
    assert (image.format, image.mode, image.width) == ("PNG", "RGB", WIDTH)
    assert image.height > image.width  # portrait, so nothing needs zooming on a phone


def test_the_same_data_gives_the_same_bytes(content: Content) -> None:
    labels = labels_from(content)
    assert render_progress(sample(content), labels) == render_progress(sample(content), labels)


def test_different_data_gives_a_different_picture(content: Content) -> None:
    assert render_progress(sample(content)) != render_progress(sample(content, checkins=3))


def test_a_picture_with_no_entries_still_renders(content: Content) -> None:
    image = Image.open(io.BytesIO(render_progress(sample(content, checkins=0))))
    assert image.width == WIDTH


def test_labels_come_from_the_content(content: Content) -> None:
    labels = labels_from(content)
    assert labels.weekdays[6] == content.names("picture_weekdays")[6]
    assert len(labels.months) == 12


def mark_pixels(mark: Mark) -> Image.Image:
    image = Image.new("RGB", (60, 60), (255, 255, 255))
    draw_mark(ImageDraw.Draw(image), mark, 30, 30, 24)
    # Ink or paper, nothing else: what is left to tell the marks apart is their shape alone.
    return image.convert("L").point(lambda value: 0 if value < 250 else 255)


def test_every_mark_has_its_own_shape_without_colour() -> None:
    shapes = {mark: mark_pixels(mark).tobytes() for mark in Mark}
    assert len(set(shapes.values())) == len(Mark)


def test_done_and_partly_differ_in_lightness_not_only_hue() -> None:
    def lightness(rgb: tuple[int, int, int]) -> float:
        red, green, blue = rgb
        return 0.299 * red + 0.587 * green + 0.114 * blue

    assert abs(lightness(DONE) - lightness(PARTLY)) > 40


def test_default_labels_match_the_shipped_content(content: Content) -> None:
    assert labels_from(content) == Labels()
