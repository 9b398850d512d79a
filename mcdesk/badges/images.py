"""Badge images per micro-credential: cluster colour, title and an icon, as 512 px PNG and SVG."""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

SIZE = 512
TEXT_COLOUR = "#FFFFFF"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BOLD_FONT = "DejaVuSans-Bold.ttf"
MIN_CONTRAST = 4.5

# One dark colour per career cluster, each ≥ 4.5:1 against white text (WCAG AA); tested.
CLUSTER_COLOURS: dict[str, str] = {
    "Agriculture, Food & Natural Resources": "#2E6B30",
    "Architecture & Construction": "#9A4A00",
    "Arts, A/V Technology & Communications": "#7A2E8C",
    "Business Management & Administration": "#1F4E79",
    "Education & Training": "#8B3A3A",
    "Finance": "#1E5E52",
    "Government & Public Administration": "#3B4A6B",
    "Health Science": "#B0283B",
    "Hospitality & Tourism": "#8A5A00",
    "Human Services": "#6B3FA0",
    "Information Technology": "#005A9C",
    "Law, Public Safety, Corrections & Security": "#2F3E46",
    "Manufacturing": "#5A4A3A",
    "Marketing": "#A0306E",
    "Science, Technology, Engineering & Mathematics": "#3A3A9A",
    "Transportation, Distribution & Logistics": "#4A5A1A",
}
# For clusters a pack names that are not in the list above.
_FALLBACK_COLOURS = ("#37474F", "#4E342E", "#1A237E", "#004D40", "#880E4F", "#33691E")


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB'."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def cluster_colour(cluster: str) -> str:
    """The cluster's colour; an unknown cluster gets a stable one from the fallback set."""
    if cluster in CLUSTER_COLOURS:
        return CLUSTER_COLOURS[cluster]
    digest = hashlib.sha256(cluster.encode("utf-8")).digest()
    return _FALLBACK_COLOURS[digest[0] % len(_FALLBACK_COLOURS)]


@dataclass(frozen=True, slots=True)
class BadgeArt:
    """What a badge image shows."""

    title: str
    cluster: str


def _title_lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, width=16, break_long_words=True)[:3]
    if len(textwrap.wrap(title, width=16)) > 3:
        lines[-1] = lines[-1][:15] + "…"
    return lines


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for step in range(10):
        radius = outer if step % 2 == 0 else inner
        angle = -math.pi / 2 + step * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT_DIR / BOLD_FONT), size)
    except OSError:
        # fonts-dejavu-core is a run dependency; without it Pillow's own font stays readable.
        return ImageFont.load_default(size=size)


def _cluster_lines(cluster: str) -> list[str]:
    return textwrap.wrap(cluster, width=26)[:2]


def badge_png(art: BadgeArt) -> bytes:
    """A 512×512 PNG: a cluster-coloured disc, a star icon, the title and the cluster."""
    # Drawn at twice the size and scaled down, so edges are smooth at 512 px.
    k = 2
    colour = cluster_colour(art.cluster)
    picture = Image.new("RGBA", (SIZE * k, SIZE * k), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse(
        (8 * k, 8 * k, (SIZE - 8) * k, (SIZE - 8) * k),
        fill=colour,
        outline=TEXT_COLOUR,
        width=10 * k,
    )
    draw.ellipse(
        (30 * k, 30 * k, (SIZE - 30) * k, (SIZE - 30) * k), outline=TEXT_COLOUR, width=3 * k
    )
    draw.polygon(_star(SIZE * k / 2, 130 * k, 62 * k, 26 * k), fill=TEXT_COLOUR)
    title_font = _font(38 * k)
    top = 215
    for line in _title_lines(art.title):
        draw.text((SIZE * k / 2, top * k), line, font=title_font, fill=TEXT_COLOUR, anchor="mt")
        top += 46
    cluster_font = _font(18 * k)
    top = 384
    for line in _cluster_lines(art.cluster):
        draw.text((SIZE * k / 2, top * k), line, font=cluster_font, fill=TEXT_COLOUR, anchor="mt")
        top += 23
    out = io.BytesIO()
    picture.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def badge_svg(art: BadgeArt) -> bytes:
    """The same badge as a 512×512 SVG (text set in DejaVu Sans Bold, sans-serif fallback)."""
    colour = cluster_colour(art.cluster)
    star = " ".join(f"{x:.1f},{y:.1f}" for x, y in _star(SIZE / 2, 130, 62, 26))
    lines = "".join(
        f'<text x="256" y="{250 + 46 * i}" font-size="38">{escape(line)}</text>'
        for i, line in enumerate(_title_lines(art.title))
    )
    cluster_lines = "".join(
        f'<text x="256" y="{399 + 23 * i}" font-size="18">{escape(line)}</text>'
        for i, line in enumerate(_cluster_lines(art.cluster))
    )
    label = escape(f"{art.title} ({art.cluster})", {'"': "&quot;"})
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{label}">'
        f'<circle cx="256" cy="256" r="243" fill="{colour}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="10"/>'
        f'<circle cx="256" cy="256" r="226" fill="none" '
        f'stroke="{TEXT_COLOUR}" stroke-width="3"/>'
        f'<polygon points="{star}" fill="{TEXT_COLOUR}"/>'
        f'<g fill="{TEXT_COLOUR}" font-family="DejaVu Sans, Verdana, sans-serif" '
        f'font-weight="bold" text-anchor="middle">{lines}'
        f"{cluster_lines}</g></svg>\n"
    )
    return svg.encode("utf-8")
