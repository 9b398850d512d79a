"""A lesson: Markdown with the pack's images, keywords marked with their definitions.

The first use of each keyword in the body text becomes a link: hovering shows its
definition as a tool tip, and Tab moves through keywords (and links) so keyboard users
get the same definition through ``keyword_focused`` as soon as a keyword has focus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QSize, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import QApplication, QTextBrowser, QWidget

from mcdesk.ui.theme import colours_for

KEYWORD_SCHEME = "keyword"
READING_WIDTH_EM = 42  # about 75 characters a line


class LessonView(QTextBrowser):
    keyword_focused = Signal(str, str)  # term, definition
    link_activated = Signal(QUrl)  # an outside link; the caller says whether it can open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setAccessibleName("Lesson")
        self.setAccessibleDescription("The lesson text. Tab moves through keywords and links.")
        self._images: Mapping[str, bytes] = {}
        self._sizes: dict[str, QSize | None] = {}  # each figure's own size, by path
        self._definitions: dict[str, tuple[str, str]] = {}
        self._shown: tuple[str, Sequence[tuple[str, str]]] | None = None
        self.anchorClicked.connect(self._on_anchor)
        self.highlighted.connect(self._on_highlighted)

    def show_lesson(
        self, markdown: str, *, images: Mapping[str, bytes], keywords: Sequence[tuple[str, str]]
    ) -> None:
        """Render a lesson; ``images`` maps the paths the Markdown uses to their bytes."""
        if images is not self._images:
            self._sizes = {}
        self._images = images
        self._shown = (markdown, keywords)
        self.document().clear()
        self.document().setMarkdown(markdown, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        self._definitions = self._mark_keywords(keywords)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._fit_reading_width()

    def loadResource(self, kind: int, name: QUrl) -> object:
        data = self._images.get(name.toString())
        if data is not None and kind == QTextDocument.ResourceType.ImageResource.value:
            image = QImage()
            image.loadFromData(data)
            return image
        return super().loadResource(kind, name)

    def _mark_keywords(self, keywords: Sequence[tuple[str, str]]) -> dict[str, tuple[str, str]]:
        document = self.document()
        marked: dict[str, tuple[str, str]] = {}
        app = QApplication.instance()
        contrast = bool(app.property("mcdeskHighContrast")) if app is not None else False
        highlight = QColor(colours_for(high_contrast=contrast).mark)
        for index, (term, definition) in enumerate(keywords):
            cursor = QTextCursor(document)
            while True:
                cursor = document.find(term, cursor, QTextDocument.FindFlag.FindWholeWords)
                if cursor.isNull():
                    break
                if cursor.block().blockFormat().headingLevel() == 0:
                    href = f"{KEYWORD_SCHEME}:{index}"
                    style = QTextCharFormat()
                    style.setAnchor(True)
                    style.setAnchorHref(href)
                    style.setToolTip(f"{term}: {definition}")
                    style.setBackground(highlight)
                    style.setFontUnderline(True)
                    style.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                    cursor.mergeCharFormat(style)
                    marked[href] = (term, definition)
                    break
        return marked

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == KEYWORD_SCHEME:
            self._on_highlighted(url)
        else:
            self.link_activated.emit(url)

    def _on_highlighted(self, url: QUrl) -> None:
        found = self._definitions.get(url.toString())
        if found is not None:
            self.keyword_focused.emit(*found)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab moves to the next keyword or link; a keyword reached says what it means."""
        moved = super().focusNextPrevChild(next)
        # Qt tells `highlighted` on hover only (keypad builds aside): Tab must tell it too.
        cursor = self.textCursor()
        if moved and cursor.hasSelection():
            probe = QTextCursor(self.document())
            probe.setPosition(cursor.selectionStart() + 1)  # the format after the first letter
            self._on_highlighted(QUrl(probe.charFormat().anchorHref()))
            self.ensure_focus_visible()
        return moved

    def ensure_focus_visible(self) -> None:
        """Scroll so the keyword or link with focus shows whole, even across a line break."""
        cursor = self.textCursor()
        self.ensureCursorVisible()
        if not cursor.hasSelection():
            return
        end = QTextCursor(self.document())
        end.setPosition(cursor.selectionEnd())
        below = self.cursorRect(end).bottom() - self.viewport().height()
        if below > 0:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + below + 2)

    def keyword_count(self) -> int:
        return len(self._definitions)

    def _fit_reading_width(self) -> None:
        widest = self.fontMetrics().averageCharWidth() * 2 * READING_WIDTH_EM
        spare = max(0, self.contentsRect().width() - widest)
        self.setViewportMargins(spare // 2, 0, spare // 2, 0)
        self._fit_images()
        # A lesson loaded while hidden keeps the width it was laid out at; lay it out
        # again for the viewport it has now, or it scrolls sideways. Two pixels spare: Qt
        # rounds a table's column widths up, a pixel past the text width at some widths.
        self.document().setTextWidth(self.viewport().width() - 2)

    def _fit_images(self) -> None:
        """Scale each figure down to the column, keeping its shape: a wide figure at large
        text would otherwise make the whole lesson scroll sideways."""
        document = self.document()
        room = self.viewport().width() - 2 * document.documentMargin() - 4
        if room <= 0:
            return
        changes: list[tuple[int, int, QTextImageFormat]] = []
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                style = fragment.charFormat()
                if style.isImageFormat():
                    image = style.toImageFormat()
                    natural = self._natural_size(image.name())
                    if natural is not None:
                        width = min(float(natural.width()), room)
                        height = natural.height() * width / natural.width()
                        if (image.width(), image.height()) != (width, height):
                            image.setWidth(width)
                            image.setHeight(height)
                            changes.append((fragment.position(), fragment.length(), image))
                fragments += 1
            block = block.next()
        for position, length, image in changes:
            cursor = QTextCursor(document)
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(image)

    def _natural_size(self, name: str) -> QSize | None:
        if name not in self._sizes:
            data = self._images.get(name)
            image = QImage()
            if data is not None:
                image.loadFromData(data)
            self._sizes[name] = None if image.isNull() or image.width() <= 0 else image.size()
        return self._sizes[name]

    def changeEvent(self, event: QEvent) -> None:
        """A new theme or text size: mark keywords in its colours, keep the reading place."""
        super().changeEvent(event)
        kinds = (QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.StyleChange)
        if event.type() in kinds and self._shown is not None:
            bar = self.verticalScrollBar()
            place = bar.value() / bar.maximum() if bar.maximum() else 0.0
            markdown, keywords = self._shown
            self.show_lesson(markdown, images=self._images, keywords=keywords)
            bar.setValue(round(place * bar.maximum()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_reading_width()
        if self.hasFocus():
            self.ensure_focus_visible()  # a page that reflowed must not hide the keyword
