"""A QTI response declaration and the one key mcdesk can score it by."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from mcdesk.content.qti.markup import NotMappable

TEMPLATES = ("match_correct", "map_response")


@dataclass(frozen=True, slots=True)
class Response:
    """What the package says is right: correct values, a mapping, and how it scores."""

    cardinality: str
    base_type: str
    template: str
    correct: list[str]
    mapping: dict[str, float] = field(default_factory=dict)
    case_sensitive: bool = False

    def key(self) -> tuple[list[str], list[str]]:
        """The values that score full marks, and notes on what changes in mcdesk."""
        notes: list[str] = []
        if self.template == "match_correct" or self.correct:
            if not self.correct:
                raise NotMappable("match_correct needs a correct response, and there is none")
            if self.template == "map_response" and len(set(self.mapping.values()) - {0.0}) > 1:
                notes.append("partial credit from the mapping becomes all-or-nothing")
            return self.correct, notes
        positive = {k: v for k, v in self.mapping.items() if v > 0}
        if not positive:
            raise NotMappable("map_response with no positive mapping entry has no right answer")
        if self.cardinality == "single":
            best = max(positive.values())
            top = [k for k, v in positive.items() if v == best]
            return top, notes
        if len(set(positive.values())) > 1:
            notes.append("partial credit from the mapping becomes all-or-nothing")
        return list(positive), notes


def template_of(item: Element) -> str:
    """``match_correct`` or ``map_response``; NotMappable for anything else."""
    processing = item.find("responseProcessing")
    if processing is None:
        raise NotMappable("no response processing: the package does not say how to score it")
    uri = processing.get("template") or processing.get("templateLocation") or ""
    name = uri.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
    if not uri:
        raise NotMappable("custom response processing rules (only templates are mapped)")
    if name not in TEMPLATES:
        raise NotMappable(f"response processing template {name!r} is not one mcdesk can score")
    return name


def response_for(item: Element, identifier: str) -> Response:
    """The declaration the interaction answers, read into a ``Response``."""
    for declaration in item.iter("responseDeclaration"):
        if declaration.get("identifier") == identifier:
            break
    else:
        raise NotMappable(f"no response declaration {identifier!r}")
    correct_element = declaration.find("correctResponse")
    correct = (
        [(v.text or "").strip() for v in correct_element.findall("value")]
        if correct_element is not None
        else []
    )
    mapping: dict[str, float] = {}
    case_sensitive = False
    mapping_element = declaration.find("mapping")
    if mapping_element is not None:
        for entry in mapping_element.findall("mapEntry"):
            try:
                mapping[entry.get("mapKey", "")] = float(entry.get("mappedValue", "0"))
            except ValueError as exc:
                raise NotMappable(
                    f"mapped value {entry.get('mappedValue')!r} is not a number"
                ) from exc
            case_sensitive = case_sensitive or entry.get("caseSensitive") == "true"
    return Response(
        cardinality=declaration.get("cardinality", "single"),
        base_type=declaration.get("baseType", "identifier"),
        template=template_of(item),
        correct=correct,
        mapping=mapping,
        case_sensitive=case_sensitive,
    )
