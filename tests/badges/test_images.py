"""Badge images: 512 px, one colour per cluster, text readable at 4.5:1 or better."""

from __future__ import annotations

import io

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image

from mcdesk.badges.images import (
    _FALLBACK_COLOURS,
    CLUSTER_COLOURS,
    MIN_CONTRAST,
    TEXT_COLOUR,
    BadgeArt,
    badge_png,
    badge_svg,
    cluster_colour,
    contrast_ratio,
)


@pytest.mark.parametrize("colour", [*CLUSTER_COLOURS.values(), *_FALLBACK_COLOURS])
def test_every_cluster_colour_keeps_the_text_readable(colour: str) -> None:
    assert contrast_ratio(colour, TEXT_COLOUR) >= MIN_CONTRAST


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_each_cluster_has_its_own_colour_and_unknown_ones_are_stable() -> None:
    assert len(set(CLUSTER_COLOURS.values())) == len(CLUSTER_COLOURS)
    assert cluster_colour("Space Tourism") == cluster_colour("Space Tourism")


def test_the_png_is_512_px_in_the_cluster_colour_with_white_text() -> None:
    art = BadgeArt(title="Basic Construction Math", cluster="Architecture & Construction")
    picture = Image.open(io.BytesIO(badge_png(art))).convert("RGBA")
    assert picture.size == (512, 512)
    colours = {colour for _, colour in picture.getcolors(512 * 512) or []}
    assert (0x9A, 0x4A, 0x00, 255) in colours
    assert (255, 255, 255, 255) in colours


def test_a_long_title_is_wrapped_and_the_svg_is_well_formed() -> None:
    art = BadgeArt(
        title="Introduction to Commercial Refrigeration Systems & <Safety>", cluster="X & Y"
    )
    root = fromstring(badge_svg(art))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == "Introduction to"
    assert texts[-1] == "X & Y"
    assert root.get("width") == "512"
    assert len(badge_png(art)) > 1000
