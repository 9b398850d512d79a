"""The app's look: a calm light theme or a high-contrast one, at the learner's text size.

Every colour comes from a ``Colours`` set and every size in the stylesheet is scaled by
the text size, so 100–200% text and high contrast apply across the whole app at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 11  # school lab screens are read from a little further away


@dataclass(frozen=True, slots=True)
class Colours:
    accent: str
    accent_soft: str
    on_accent: str
    ink: str
    muted: str
    line: str
    field_line: str
    page: str
    card: str
    notice: str
    notice_line: str
    good: str
    bad: str
    mark: str  # keyword highlight in lessons


LIGHT = Colours(
    accent="#0b6b77",  # teal; 6:1 contrast on white
    accent_soft="#e4f1f3",
    on_accent="#ffffff",
    ink="#1f2328",
    muted="#55606b",
    line="#d3d9df",
    field_line="#b8c1ca",
    page="#f4f6f8",
    card="#ffffff",
    notice="#fff8e1",
    notice_line="#d9b44a",
    good="#1a6e2e",
    bad="#a4262c",
    mark="#fff3c4",
)
# Yellow and white on black: every pair is past 15:1, the WCAG AAA bar is 7:1.
HIGH_CONTRAST = Colours(
    accent="#ffd400",
    accent_soft="#000000",
    on_accent="#000000",
    ink="#ffffff",
    muted="#ffffff",
    line="#ffffff",
    field_line="#ffffff",
    page="#000000",
    card="#000000",
    notice="#000000",
    notice_line="#ffd400",
    good="#7dff8a",
    bad="#ff9b9b",
    mark="#00307a",
)


def colours_for(*, high_contrast: bool) -> Colours:
    return HIGH_CONTRAST if high_contrast else LIGHT


def stylesheet(c: Colours, *, scale: float = 1.0) -> str:
    """The stylesheet for one colour set; point sizes grow with the text size."""

    def pt(size: float) -> str:
        return f"{size * scale:.1f}pt"

    border = 2 if c is HIGH_CONTRAST else 1
    return f"""
QMainWindow, QWidget#page, QDialog {{ background: {c.page}; }}
QScrollArea {{ background: {c.page}; border: none; }}
QScrollArea > QWidget > QWidget {{ background: {c.page}; }}
QStackedWidget {{ background: {c.page}; }}
PackDetail:focus {{ border: 2px solid {c.accent}; }}
QLabel {{ color: {c.ink}; }}
QLabel#muted, QLabel#hint, QLabel#skills {{ color: {c.muted}; }}
QLabel#error {{ color: {c.bad}; font-weight: 600; }}
QLabel#good {{ color: {c.good}; font-weight: 600; }}
QLabel#brand {{ color: {c.accent}; font-size: {pt(15)}; font-weight: 700; }}
QLabel#pageTitle {{ font-size: {pt(17)}; font-weight: 700; }}
QLabel#sectionTitle {{ font-size: {pt(13.5)}; font-weight: 700; padding-top: 10px; }}
QLabel#clusterHeading {{
    font-size: {pt(14)}; font-weight: 700; color: {c.ink}; padding-top: 14px;
}}
QLabel#cardTitle {{ font-size: {pt(13)}; font-weight: 600; }}
QLabel#skillState, QLabel#nextStep {{ color: {c.accent}; font-weight: 600; }}
QLabel#skillLine {{ color: {c.ink}; }}
QLabel#readiness {{ font-weight: 600; }}
QWidget#examHeader {{ background: {c.card}; border-bottom: {border}px solid {c.line}; }}
QLabel#examTitle {{ font-size: {pt(13)}; font-weight: 700; }}
QLabel#examTimer {{ font-size: {pt(14)}; font-weight: 700; color: {c.ink}; }}
QLabel#warning {{ color: {c.ink}; background: {c.notice}; font-weight: 700; }}
QLabel#examPrompt {{ font-size: {pt(13)}; font-weight: 600; }}
QLabel#examProgress, QLabel#busyNote {{ color: {c.muted}; }}
QPushButton#navButton[current="true"] {{ border: 2px solid {c.accent}; font-weight: 700; }}
QPushButton#submitButton {{
    background: {c.accent}; color: {c.on_accent}; border-color: {c.accent};
}}
QLabel#resultScore {{ font-size: {pt(20)}; font-weight: 700; }}
QLabel#skillMet {{ color: {c.good}; font-weight: 600; }}
QLabel#skillNotYet {{ color: {c.bad}; font-weight: 600; }}
QLabel#unlockCodeTitle {{ font-weight: 700; }}
QLabel#selfcheckPrompt {{ font-size: {pt(13)}; font-weight: 600; }}
QLabel#selfcheckProgress {{ color: {c.muted}; }}
QLabel#badgeName {{ font-weight: 600; }}
Card#continueCard {{ border: {border + 1}px solid {c.accent}; background: {c.accent_soft}; }}
Card#continueCard:focus {{ border: 3px solid {c.accent}; }}
QLabel#previewBadge {{
    color: {c.accent}; background: {c.accent_soft}; border: 1px solid {c.accent};
    border-radius: 9px; padding: 1px 8px; font-size: {pt(9.5)}; font-weight: 600;
}}
QLabel#definition, QLabel#feedback {{
    background: {c.card}; border: {border}px solid {c.accent}; border-radius: 6px; padding: 8px;
}}
QWidget#header {{ background: {c.card}; border-bottom: {border}px solid {c.line}; }}
QLineEdit {{
    background: {c.card}; color: {c.ink}; border: {border}px solid {c.field_line};
    border-radius: 6px; padding: 6px 8px; margin: 1px;
}}
QLineEdit#search {{ padding: 7px 10px; font-size: {pt(12)}; }}
/* Focus thickens the border, never the box: a field that grew on focus was squeezed. */
QLineEdit:focus {{ border: 2px solid {c.accent}; margin: {border - 1}px; }}
QLineEdit:disabled {{ background: {c.page}; color: {c.muted}; }}
QListWidget, QTextBrowser, QComboBox {{
    background: {c.card}; color: {c.ink}; border: {border}px solid {c.line}; border-radius: 6px;
}}
QListWidget:focus, QTextBrowser:focus, QComboBox:focus {{ border: 2px solid {c.accent}; }}
/* A filter's choice stands as tall as the field beside it (the teacher page's record). */
QComboBox#filterChoice {{ padding: 6px 8px; margin: 1px; }}
QListWidget::item {{ padding: 6px 8px; }}
QListWidget::item:selected {{ background: {c.accent}; color: {c.on_accent}; }}
Card {{
    background: {c.card}; border: {border}px solid {c.line}; border-radius: 8px; margin: 1px;
}}
QFrame#plainCard {{
    background: {c.card}; border: {border}px solid {c.line}; border-radius: 8px; margin: 1px;
}}
QFrame#closedCard {{
    background: {c.page}; border: {border}px dashed {c.line}; border-radius: 8px; margin: 1px;
}}
Card:hover {{ border-color: {c.accent}; }}
Card:focus {{ border: 3px solid {c.accent}; margin: 0px; }}
QFrame#notice {{
    background: {c.notice}; border: {border}px solid {c.notice_line}; border-radius: 6px;
}}
QPushButton {{
    background: {c.card}; color: {c.ink}; border: {border}px solid {c.field_line};
    border-radius: 6px; padding: 6px 14px; margin: {3 - border}px;
}}
QPushButton:hover {{ border-color: {c.accent}; }}
/* Border plus margin stay 3 px: a focused button must not grow and push its neighbours. */
QPushButton:focus {{ border: 3px solid {c.accent}; margin: 0px; }}
QPushButton:default, QPushButton#primary {{
    background: {c.accent}; color: {c.on_accent}; border-color: {c.accent};
}}
QPushButton:default:focus, QPushButton#primary:focus {{ border-color: {c.ink}; }}
/* A toggle that is on (the kiosk's chosen cluster, a flagged question) looks chosen. */
QPushButton:checked {{
    background: {c.accent}; color: {c.on_accent}; border-color: {c.accent};
}}
QPushButton:disabled {{ color: {c.muted}; border-style: dashed; }}
QPushButton#link {{
    background: transparent; border: none; color: {c.accent}; text-decoration: underline;
    padding: 4px 6px;
}}
QPushButton#link:focus {{ border: 2px solid {c.accent}; }}
QCheckBox, QRadioButton {{ color: {c.ink}; spacing: 8px; }}
QToolTip {{ background: {c.card}; color: {c.ink}; border: 1px solid {c.accent}; }}
QStatusBar {{ background: {c.card}; border-top: {border}px solid {c.line}; color: {c.muted}; }}
QStatusBar QLabel {{ color: {c.muted}; padding: 2px 6px; }}
QScrollBar:vertical {{ background: {c.page}; width: 12px; margin: 0px; }}
QScrollBar::handle:vertical {{
    background: {c.field_line}; border-radius: 4px; min-height: 40px; margin: 2px;
}}
QScrollBar::handle:vertical:hover {{ background: {c.muted}; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QProgressBar {{
    border: 1px solid {c.line}; border-radius: 4px; background: {c.card}; max-height: 8px;
}}
QProgressBar::chunk {{ background: {c.accent}; border-radius: 3px; }}
"""


def palette_for(c: Colours) -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, c.page),
        (QPalette.ColorRole.WindowText, c.ink),
        (QPalette.ColorRole.Base, c.card),
        (QPalette.ColorRole.AlternateBase, c.page),
        (QPalette.ColorRole.Text, c.ink),
        (QPalette.ColorRole.Button, c.card),
        (QPalette.ColorRole.ButtonText, c.ink),
        (QPalette.ColorRole.Highlight, c.accent),
        (QPalette.ColorRole.HighlightedText, c.on_accent),
        (QPalette.ColorRole.PlaceholderText, c.muted),
        (QPalette.ColorRole.ToolTipBase, c.card),
        (QPalette.ColorRole.ToolTipText, c.ink),
        (QPalette.ColorRole.Link, c.accent),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def apply_theme(app: QApplication, *, text_scale: int = 100, high_contrast: bool = False) -> None:
    """Fusion with our palette (whatever the desktop's theme), font size and stylesheet."""
    colours = colours_for(high_contrast=high_contrast)
    scale = text_scale / 100
    app.setProperty("mcdeskHighContrast", high_contrast)
    app.setStyle("Fusion")
    app.setPalette(palette_for(colours))
    font = app.font()
    font.setPointSizeF(BASE_POINT_SIZE * scale)
    app.setFont(font)
    app.setStyleSheet(stylesheet(colours, scale=scale))


# The light theme's colours by name, for widgets that paint something themselves.
ACCENT, INK, MUTED, LINE, PAGE, CARD = (
    LIGHT.accent,
    LIGHT.ink,
    LIGHT.muted,
    LIGHT.line,
    LIGHT.page,
    LIGHT.card,
)
