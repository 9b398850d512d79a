"""The app's look: a calm light theme with one accent colour, readable type sizes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 11  # school lab screens are read from a little further away
ACCENT = "#0b6b77"  # teal; 6:1 contrast on white
ACCENT_SOFT = "#e4f1f3"
INK = "#1f2328"
MUTED = "#55606b"
LINE = "#d3d9df"
PAGE = "#f4f6f8"
CARD = "#ffffff"

STYLESHEET = f"""
QMainWindow, QWidget#page {{ background: {PAGE}; }}
QScrollArea {{ background: {PAGE}; border: none; }}
QScrollArea > QWidget > QWidget {{ background: {PAGE}; }}
PackDetail:focus {{ border: 2px solid {ACCENT}; }}
QLabel {{ color: {INK}; }}
QLabel#muted, QLabel#hint {{ color: {MUTED}; }}
QLabel#brand {{ color: {ACCENT}; font-size: 15pt; font-weight: 700; }}
QLabel#pageTitle {{ font-size: 17pt; font-weight: 700; }}
QLabel#clusterHeading {{
    font-size: 14pt; font-weight: 700; color: {INK};
    padding-top: 14px;
}}
QLabel#cardTitle {{ font-size: 13pt; font-weight: 600; }}
QLabel#skills {{ color: {MUTED}; }}
QLabel#previewBadge {{
    color: {ACCENT}; background: {ACCENT_SOFT}; border: 1px solid {ACCENT};
    border-radius: 9px; padding: 1px 8px; font-size: 9.5pt; font-weight: 600;
}}
QWidget#header {{ background: {CARD}; border-bottom: 1px solid {LINE}; }}
QLineEdit#search {{
    background: {CARD}; color: {INK}; border: 1px solid #b8c1ca; border-radius: 6px;
    padding: 7px 10px; font-size: 12pt; margin: 1px;
}}
QLineEdit#search:focus {{ border: 2px solid {ACCENT}; margin: 0px; }}
QLineEdit#search:disabled {{ background: {PAGE}; color: {MUTED}; }}
Card {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 8px; margin: 1px;
}}
Card:hover {{ border-color: #8fbcc2; }}
Card:focus {{ border: 2px solid {ACCENT}; margin: 0px; background: #fbfefe; }}
QFrame#notice {{
    background: #fff8e1; border: 1px solid #d9b44a; border-radius: 6px;
}}
QPushButton {{
    background: {CARD}; color: {INK}; border: 1px solid #b8c1ca; border-radius: 6px;
    padding: 6px 14px; margin: 1px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; margin: 0px; }}
QStatusBar {{ background: {CARD}; border-top: 1px solid {LINE}; color: {MUTED}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 2px 6px; }}
QScrollBar:vertical {{ background: {PAGE}; width: 12px; margin: 0px; }}
QScrollBar::handle:vertical {{
    background: #b9c2cb; border-radius: 4px; min-height: 40px; margin: 2px;
}}
QScrollBar::handle:vertical:hover {{ background: {MUTED}; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QProgressBar {{
    border: 1px solid {LINE}; border-radius: 4px; background: {CARD}; max-height: 8px;
}}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion with a light palette (whatever the desktop's theme) plus the stylesheet."""
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, PAGE),
        (QPalette.ColorRole.WindowText, INK),
        (QPalette.ColorRole.Base, CARD),
        (QPalette.ColorRole.AlternateBase, PAGE),
        (QPalette.ColorRole.Text, INK),
        (QPalette.ColorRole.Button, CARD),
        (QPalette.ColorRole.ButtonText, INK),
        (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, CARD),
        (QPalette.ColorRole.PlaceholderText, MUTED),
        (QPalette.ColorRole.ToolTipBase, CARD),
        (QPalette.ColorRole.ToolTipText, INK),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    font = app.font()
    font.setPointSizeF(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
