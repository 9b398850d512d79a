"""One mapper per QTI interaction: the mcdesk item fields it becomes, or why it cannot."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from mcdesk.content.qti.markup import NotMappable, to_markdown
from mcdesk.content.qti.responses import Response

MAX_OPTIONS = 8


@dataclass(slots=True)
class Mapped:
    """The type-specific fields of an mcdesk item, and what changed on the way."""

    fields: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def slug(identifier: str, taken: set[str]) -> str:
    """A lower-case slug for a QTI identifier, unique among ``taken``."""
    base = re.sub(r"[^a-z0-9-]+", "-", identifier.lower()).strip("-")[:60] or "x"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


class Choices:
    """The choices of one interaction, with mcdesk option ids for their QTI ids."""

    def __init__(self, elements: list[Element]) -> None:
        if not 2 <= len(elements) <= MAX_OPTIONS:
            raise NotMappable(f"{len(elements)} choices; mcdesk items have 2 to {MAX_OPTIONS}")
        taken: set[str] = set()
        self.ids: dict[str, str] = {}
        self.options: list[dict[str, str]] = []
        for element in elements:
            text = to_markdown(element)
            if text.figures:
                raise NotMappable("a choice holds an image; options are text only")
            option_id = slug(element.get("identifier", ""), taken)
            self.ids[element.get("identifier", "")] = option_id
            self.options.append({"id": option_id, "text": text.text() or option_id})

    def id_of(self, value: str) -> str:
        if value not in self.ids:
            raise NotMappable(f"the key names {value!r}, which is not a choice")
        return self.ids[value]


def _choice(interaction: Element, response: Response) -> Mapped:
    choices = Choices(interaction.findall("simpleChoice"))
    key, notes = response.key()
    answer = [choices.id_of(v) for v in key]
    if response.cardinality == "single":
        if len(answer) != 1:
            raise NotMappable("a single-choice key with more than one right choice")
        return Mapped(
            {"type": "single_choice", "options": choices.options, "answer": answer[0]}, notes
        )
    return Mapped(
        {"type": "multiple_response", "options": choices.options, "answer": answer}, notes
    )


def _text_entry(interaction: Element, response: Response) -> Mapped:
    key, notes = response.key()
    if response.base_type in ("integer", "float"):
        values = {float(v) for v in key}
        if len(values) != 1:
            raise NotMappable("a numeric entry with several right numbers")
        value = values.pop()
        answer: int | float = int(value) if value.is_integer() else value
        return Mapped({"type": "numeric", "answer": answer, "tolerance": 0}, notes)
    if response.base_type != "string":
        raise NotMappable(f"a text entry of base type {response.base_type!r}")
    if response.case_sensitive or response.template == "match_correct":
        notes.append("answers are matched without regard to case")
    return Mapped({"type": "short_text", "accepted": list(dict.fromkeys(key))}, notes)


def _order(interaction: Element, response: Response) -> Mapped:
    choices = Choices(interaction.findall("simpleChoice"))
    key, notes = response.key()
    answer = [choices.id_of(v) for v in key]
    if sorted(answer) != sorted(o["id"] for o in choices.options):
        raise NotMappable("the order key does not place every choice exactly once")
    return Mapped({"type": "ordering", "options": choices.options, "answer": answer}, notes)


def _pairs(response: Response) -> tuple[list[tuple[str, str]], list[str]]:
    key, notes = response.key()
    pairs = []
    for value in key:
        parts = value.split()
        if len(parts) != 2:
            raise NotMappable(f"the pair {value!r} is not two identifiers")
        pairs.append((parts[0], parts[1]))
    return pairs, notes


def _matching(prompts: Choices, options: Choices, pairs: list[tuple[str, str]]) -> dict[str, str]:
    answer: dict[str, str] = {}
    for left, right in pairs:
        prompt_id = prompts.id_of(left)
        if prompt_id in answer:
            raise NotMappable("a prompt pairs with several options; mcdesk pairs each once")
        answer[prompt_id] = options.id_of(right)
    if len(answer) != len(prompts.options):
        raise NotMappable("not every prompt has a pair; mcdesk pairs every prompt")
    return answer


def _match(interaction: Element, response: Response) -> Mapped:
    sets = interaction.findall("simpleMatchSet")
    if len(sets) != 2:
        raise NotMappable("a match interaction without exactly two sets")
    prompts = Choices(sets[0].findall("simpleAssociableChoice"))
    options = Choices(sets[1].findall("simpleAssociableChoice"))
    pairs, notes = _pairs(response)
    answer = _matching(prompts, options, pairs)
    return Mapped(
        {
            "type": "matching",
            "prompts": prompts.options,
            "options": options.options,
            "answer": answer,
        },
        notes,
    )


def _associate(interaction: Element, response: Response) -> Mapped:
    elements = interaction.findall("simpleAssociableChoice")
    pairs, notes = _pairs(response)
    lefts = [a for a, _ in pairs]
    used = lefts + [b for _, b in pairs]
    if len(set(used)) != len(used):
        raise NotMappable("a choice appears in several pairs; mcdesk pairs each once")
    # One pool of choices becomes two columns: the first of each pair is the prompt.
    by_id = {e.get("identifier", ""): e for e in elements}
    prompts = Choices([by_id[a] for a in lefts if a in by_id])
    options = Choices([e for i, e in by_id.items() if i not in lefts])
    answer = _matching(prompts, options, pairs)
    notes.append("associate pairs become a two-column matching item")
    return Mapped(
        {
            "type": "matching",
            "prompts": prompts.options,
            "options": options.options,
            "answer": answer,
        },
        notes,
    )


MAPPERS: dict[str, Callable[[Element, Response], Mapped]] = {
    "choiceInteraction": _choice,
    "textEntryInteraction": _text_entry,
    "orderInteraction": _order,
    "matchInteraction": _match,
    "associateInteraction": _associate,
}
