"""QTI item-body XHTML as the Markdown an mcdesk prompt holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from mcdesk.errors import McdeskError

INTERACTIONS = frozenset(
    {
        "choiceInteraction",
        "textEntryInteraction",
        "orderInteraction",
        "matchInteraction",
        "associateInteraction",
        "extendedTextInteraction",
        "inlineChoiceInteraction",
        "gapMatchInteraction",
        "hotspotInteraction",
        "hottextInteraction",
        "selectPointInteraction",
        "graphicOrderInteraction",
        "graphicAssociateInteraction",
        "graphicGapMatchInteraction",
        "positionObjectInteraction",
        "sliderInteraction",
        "drawingInteraction",
        "uploadInteraction",
        "mediaInteraction",
        "customInteraction",
        "portableCustomInteraction",
        "endAttemptInteraction",
    }
)
# What a prompt cannot carry: the station shows Markdown text, not media or formulas.
UNSUPPORTED = {
    "math": "MathML formulas",
    "object": "embedded objects",
    "audio": "audio",
    "video": "video",
    "iframe": "embedded pages",
    "table": "tables",
}
BLOCKS = frozenset(
    {"p", "div", "blockquote", "stimulusBody", "itemBody", "prompt", "li", "ul", "ol"}
)
# Left out of the prompt: feedback shown only after answering would give the key away.
SKIPPED = frozenset(
    {
        "modalFeedback",
        "feedbackBlock",
        "feedbackInline",
        "responseDeclaration",
        "outcomeDeclaration",
        "rubricBlock",
    }
)


class NotMappable(McdeskError):
    """The item uses something mcdesk cannot show faithfully; the message says what."""


@dataclass(slots=True)
class Figure:
    """An image an item shows: its path in the package and its alt text."""

    src: str
    alt: str


@dataclass(slots=True)
class Markdown:
    """Text being written, and the figures met on the way."""

    parts: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def text(self) -> str:
        joined = "".join(self.parts)
        joined = re.sub(r"[ \t]+", " ", joined)
        joined = re.sub(r" *\n *", "\n", joined)
        return re.sub(r"\n{3,}", "\n\n", joined).strip()


def _inline(element: Element, out: Markdown, *, skip: frozenset[str]) -> None:
    tag = element.tag
    if tag in skip or tag in SKIPPED:
        out.parts.append(element.tail or "")
        return
    if tag in UNSUPPORTED:
        raise NotMappable(f"the item holds {UNSUPPORTED[tag]}, which a prompt cannot show")
    if tag == "img":
        alt = (element.get("alt") or "").strip()
        out.figures.append(Figure(src=element.get("src", ""), alt=alt))
        out.parts.append(f"[figure {len(out.figures)}: {alt or 'no description'}]")
        out.parts.append(element.tail or "")
        return
    if tag == "textEntryInteraction":
        # The blank sits in the sentence; the answer box is below the prompt.
        out.parts.append("\\_\\_\\_\\_\\_" + (element.tail or ""))
        return
    if tag == "br":
        out.parts.append("\n")
        out.parts.append(element.tail or "")
        return
    mark = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}.get(tag, "")
    if tag in BLOCKS:
        out.parts.append("\n\n")
    if tag == "li":
        out.parts.append("- ")
    out.parts.append(mark + (element.text or ""))
    for child in element:
        _inline(child, out, skip=skip)
    out.parts.append(mark)
    if tag in BLOCKS:
        out.parts.append("\n\n")
    out.parts.append(element.tail or "")


def to_markdown(element: Element, *, skip: frozenset[str] = frozenset()) -> Markdown:
    """The element's content as Markdown, leaving out the tags in ``skip``."""
    out = Markdown()
    out.parts.append(element.text or "")
    for child in element:
        _inline(child, out, skip=skip)
    return out
