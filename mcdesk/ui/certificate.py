"""A badge's one-page PDF certificate: learner, achievement, skills, issuer, date and a QR code.

It paints with Qt (QPdfWriter), so it lives in the UI package; it is called on a worker
thread (QPainter may paint a PDF off the GUI thread), and writes the file whole or not at
all through the core's ``write_file``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from mcdesk.ui.wallet_view import issued_on

if TYPE_CHECKING:
    from mcdesk.study.badge_exports import BadgeDetail

RESOLUTION = 300  # dots per inch of the painter's coordinates
MARGIN_PT = 54
QR_INCHES = 1.6


def _pt(points: float) -> float:
    return points * RESOLUTION / 72


def _font(points: float, *, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _text(
    painter: QPainter,
    *,
    y: float,
    width: float,
    text: str,
    points: float,
    bold: bool = False,
    centred: bool = True,
) -> float:
    """Draw wrapped text from ``y``; returns the y under it."""
    painter.setFont(_font(points, bold=bold))
    flags = Qt.TextFlag.TextWordWrap | (
        Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft
    )
    bounds = painter.boundingRect(QRectF(0, y, width, 10_000), flags, text)
    painter.drawText(QRectF(0, y, width, bounds.height()), flags, text)
    return y + bounds.height()


def _paint(painter: QPainter, detail: BadgeDetail, *, width: float, qr: bytes | None) -> None:
    summary = detail.summary
    painter.setPen(QPen(Qt.GlobalColor.black))
    y = _text(painter, y=0, width=width, text="Certificate of achievement", points=14)
    y += _pt(18)
    y = _text(
        painter, y=y, width=width, text=detail.learner_name or "The holder", points=26, bold=True
    )
    y += _pt(8)
    y = _text(painter, y=y, width=width, text="has earned the micro-credential", points=13)
    y += _pt(8)
    y = _text(painter, y=y, width=width, text=summary.achievement, points=22, bold=True)
    if summary.career_cluster:
        y = _text(painter, y=y + _pt(4), width=width, text=summary.career_cluster, points=12)
    y += _pt(20)
    y = _text(
        painter, y=y, width=width, text="Targeted skills", points=13, bold=True, centred=False
    )
    for skill in summary.skills:
        line = f"•  {skill.name}" + (f" — {skill.result}%" if skill.result else "")
        y = _text(painter, y=y + _pt(3), width=width, text=line, points=12, centred=False)
    y += _pt(20)
    issued = f"Issued by {summary.issuer_name} on {issued_on(summary.issued)}"
    y = _text(painter, y=y, width=width, text=issued, points=12, centred=False)
    if detail.revoked:
        reason = detail.revoked_reason or "no reason given"
        y = _text(
            painter,
            y=y + _pt(6),
            width=width,
            text=f"REVOKED: {reason}",
            points=14,
            bold=True,
            centred=False,
        )
    y += _pt(20)
    if qr is not None and detail.verify_url:
        image = QImage.fromData(qr)
        side = QR_INCHES * RESOLUTION
        painter.drawImage(QRectF(0, y, side, side), image)
        words = f"Check this badge: scan the code or open\n{detail.verify_url}"
        painter.setFont(_font(10))
        painter.drawText(
            QRectF(side + _pt(12), y, width - side - _pt(12), side),
            Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignVCenter,
            words,
        )
        y += side
    check = (
        "Anyone can check it offline: the badge file is signed by the school "
        f"({summary.issuer_id}). Credential {detail.credential_id}."
    )
    _text(painter, y=y + _pt(12), width=width, text=check, points=8, centred=False)


def write_certificate(detail: BadgeDetail, *, path: Path, qr: bytes | None) -> Path:
    """Paint the certificate into a PDF at ``path`` (one US Letter page)."""
    from mcdesk.study.badge_exports import write_file

    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "certificate.pdf"
        writer = QPdfWriter(str(draft))
        writer.setResolution(RESOLUTION)
        writer.setTitle(f"{detail.summary.achievement} — {detail.learner_name}")
        writer.setCreator("mcdesk")
        layout = QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_PT, MARGIN_PT, MARGIN_PT, MARGIN_PT),
            QPageLayout.Unit.Point,
        )
        writer.setPageLayout(layout)
        painter = QPainter(writer)
        try:
            width = float(writer.width())
            _paint(painter, detail, width=width, qr=qr)
        finally:
            painter.end()
        return write_file(path, draft.read_bytes())
