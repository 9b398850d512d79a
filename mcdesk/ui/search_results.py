"""Search hits: title › skill, career cluster, and a snippet with the matched words in bold."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence, Set
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from mcdesk.ui.cards import Card, ReadingColumn, preview_badge, text_label

if TYPE_CHECKING:
    from mcdesk.content.catalog import SearchHit

# search_catalog marks matched words as [word].
MATCH = re.compile(r"\[([^\[\]]*)\]")
# Lesson snippets are cut from Markdown source; its heading and emphasis marks are noise.
MARKDOWN_MARKS = re.compile(r"(?:(?<=\s)|^)#{1,6}(?=\s)|\*\*|__|`")


def snippet_html(snippet: str) -> str:
    """The snippet as rich text: escaped, with the [marked] words in bold."""
    snippet = " ".join(MARKDOWN_MARKS.sub("", snippet).split())
    parts: list[str] = []
    position = 0
    for match in MATCH.finditer(snippet):
        parts.append(html.escape(snippet[position : match.start()]))
        parts.append(f"<b>{html.escape(match.group(1))}</b>")
        position = match.end()
    parts.append(html.escape(snippet[position:]))
    return "".join(parts)


def plain_snippet(snippet: str) -> str:
    """The snippet as plain words, for assistive tech."""
    return " ".join(MATCH.sub(r"\1", MARKDOWN_MARKS.sub("", snippet)).split())


def hit_title(hit: SearchHit) -> str:
    """The hit's heading: "pack › skill", or the pack alone when the pack itself matched."""
    return f"{hit.pack_title} › {hit.skill_title}" if hit.skill_title else hit.pack_title


class HitCard(Card):
    def __init__(
        self, hit: SearchHit, *, preview: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.pack_id = hit.pack_id
        top = QHBoxLayout()
        top.setSpacing(10)
        self.title = text_label(hit_title(hit), name="cardTitle")
        top.addWidget(self.title, 1)
        self.badge = preview_badge() if preview else None
        if self.badge is not None:
            top.addWidget(self.badge)
        self.body.addLayout(top)
        self.body.addWidget(text_label(hit.career_cluster, name="muted"))
        self.snippet = text_label(snippet_html(hit.snippet), rich=True)
        if hit.snippet:
            self.body.addWidget(self.snippet)
        self.body.addStretch(1)
        self.setAccessibleName(hit_title(hit))
        self.setAccessibleDescription(
            f"{'Preview. ' if preview else ''}{hit.career_cluster}. {plain_snippet(hit.snippet)}"
        )


class SearchResultsView(ReadingColumn):
    """What matched the words typed in the search field, best first."""

    opened = Signal(str)  # pack id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Search results")
        self.cards: list[HitCard] = []
        self.summary = QLabel()

    def show_searching(self, text: str) -> None:
        """Shown until the first results for ``text`` arrive."""
        self._reset(f"Searching for “{text}”…")
        self.finish()

    def show_hits(
        self, text: str, hits: Sequence[SearchHit], *, previews: Set[str] = frozenset()
    ) -> None:
        """Show ``hits``; packs whose ids are in ``previews`` get the Preview badge."""
        if not hits:
            self._reset(f"No matches for “{text}”")
            self.add(
                text_label(
                    "Try fewer words, another spelling, or a skill or career name. "
                    "Press Esc to see the whole catalog.",
                    name="muted",
                )
            )
        else:
            count = "1 micro-credential" if len(hits) == 1 else f"{len(hits)} micro-credentials"
            self._reset(f"{count} for “{text}”")
        for hit in hits:
            card = HitCard(hit, preview=hit.pack_id in previews)
            card.clicked.connect(lambda _=False, pack_id=hit.pack_id: self.opened.emit(pack_id))
            self.cards.append(card)
            self.add(card)
        self.finish()

    def show_problem(self, text: str) -> None:
        self._reset("Search is not available right now")
        self.add(text_label(text, name="muted"))
        self.finish()

    def _reset(self, summary: str) -> None:
        self.clear()
        self.cards = []
        self.summary = text_label(summary, name="pageTitle")
        self.summary.setAccessibleName(summary)
        self.add(self.summary)
