"""A printable code sheet (PDF) of a station's next unlock codes: `mcdesk teacher code-sheet`.

It lives in the UI package because it paints with Qt (QPdfWriter); the teacher's sign-in
and the codes themselves come from the core (``mcdesk.cli.teacher_codes``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from mcdesk.protocol.codes import format_code

RESOLUTION = 300  # dots per inch of the painter's coordinates
MARGIN_PT = 54  # three quarters of an inch
COLUMNS = 2
NOTE = (
    "Single use: each code unlocks this station once, in order — the station asks for "
    "code #k. Keep this sheet locked away; never leave it where learners can see it."
)


def _pt(points: float) -> float:
    """Points to painter units."""
    return points * RESOLUTION / 72


def _font(points: float, *, bold: bool = False, mono: bool = False) -> QFont:
    if mono:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
    else:
        font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _header(
    painter: QPainter, *, width: float, station_name: str, school: str, printed_at: datetime
) -> float:
    """Title, school, date and the keep-it-safe note; returns the height used."""
    y = 0.0
    painter.setFont(_font(20, bold=True))
    painter.drawText(QRectF(0, y, width, _pt(28)), f"Unlock codes — {station_name}")
    y += _pt(30)
    painter.setFont(_font(11))
    stamp = printed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    painter.drawText(QRectF(0, y, width, _pt(16)), f"{school} · printed {stamp}")
    y += _pt(22)
    painter.setFont(_font(11, bold=True))
    note = QRectF(0, y, width, _pt(34))
    painter.drawText(note, int(Qt.TextFlag.TextWordWrap), NOTE)
    return y + _pt(44)


def _codes_page(
    painter: QPainter, codes: list[tuple[int, str]], *, top: float, width: float, row: float
) -> None:
    """Codes in columns: number, code in large monospace, and a box to tick once used."""
    per_column = max(1, -(-len(codes) // COLUMNS))
    column_width = width / COLUMNS
    for index, (counter, code) in enumerate(codes):
        x = (index // per_column) * column_width
        y = top + (index % per_column) * row
        painter.setFont(_font(12))
        painter.drawText(
            QRectF(x, y, _pt(48), row), int(Qt.AlignmentFlag.AlignVCenter), f"#{counter}"
        )
        painter.setFont(_font(20, mono=True))
        painter.drawText(
            QRectF(x + _pt(52), y, _pt(150), row),
            int(Qt.AlignmentFlag.AlignVCenter),
            format_code(code),
        )
        painter.drawRect(QRectF(x + _pt(210), y + row / 2 - _pt(6), _pt(12), _pt(12)))
        painter.drawLine(int(x), int(y + row), int(x + column_width - _pt(18)), int(y + row))


def write_code_sheet(
    path: Path,
    *,
    station_name: str,
    school: str,
    codes: list[tuple[int, str]],
    printed_at: datetime,
) -> None:
    """Write a Letter-size PDF listing ``codes`` (counter, 8-digit code) for one station."""
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setPageMargins(QMarginsF(*(MARGIN_PT,) * 4), QPageLayout.Unit.Point)
    writer.setTitle(f"Unlock codes — {station_name}")
    writer.setCreator("mcdesk")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        width, height = float(writer.width()), float(writer.height())
        row, footer = _pt(26), _pt(20)
        pages: list[list[tuple[int, str]]] = []
        remaining = list(codes)
        while remaining or not pages:
            top = _pt(140) if not pages else 0.0
            fits = COLUMNS * max(1, int((height - top - footer) // row))
            pages.append(remaining[:fits])
            remaining = remaining[fits:]
        painter.setPen(QPen(Qt.GlobalColor.black, _pt(0.75)))
        for number, page in enumerate(pages, start=1):
            if number > 1:
                writer.newPage()
            top = 0.0
            if number == 1:
                top = _header(
                    painter,
                    width=width,
                    station_name=station_name,
                    school=school,
                    printed_at=printed_at,
                )
            _codes_page(painter, page, top=top, width=width, row=row)
            painter.setFont(_font(9))
            painter.drawText(
                QRectF(0, height - footer, width, footer),
                int(Qt.AlignmentFlag.AlignCenter),
                f"Page {number} of {len(pages)} · single use; keep this sheet locked away",
            )
    finally:
        painter.end()


def _gui_application() -> QGuiApplication:
    """The running Qt application, or a new one (offscreen when there is no display)."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(["mcdesk"])


def main(argv: Sequence[str]) -> int:
    """`mcdesk teacher code-sheet`: sign the teacher in, then write the PDF."""
    from mcdesk.cli import (
        EXIT_OK,
        EXIT_REFUSED,
        CommandRefused,
        add_teacher_code_options,
        teacher_codes,
    )
    from mcdesk.settings import SettingsError
    from mcdesk.store.health import NewerDatabaseError

    parser = argparse.ArgumentParser(
        prog="mcdesk teacher code-sheet", description="Write a printable PDF of unlock codes."
    )
    add_teacher_code_options(parser)
    parser.add_argument("-o", "--output", required=True, help="PDF file to write")
    args = parser.parse_args(list(argv))
    try:
        listing = teacher_codes(args)
    except (CommandRefused, SettingsError, NewerDatabaseError) as exc:
        sys.stderr.write(f"refused: {exc}\n")
        return EXIT_REFUSED
    app = _gui_application()  # fonts need a running application; kept alive until written
    output = Path(args.output)
    try:
        write_code_sheet(
            output,
            station_name=listing.station_name,
            school=listing.school,
            codes=listing.codes,
            printed_at=datetime.now(UTC),
        )
    except OSError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_REFUSED
    first, last = listing.codes[0][0], listing.codes[-1][0]
    sys.stdout.write(f"wrote {output}: codes #{first}–#{last} for {listing.station_name}\n")
    del app
    return EXIT_OK
