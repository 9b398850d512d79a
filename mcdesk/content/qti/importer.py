"""Turn a QTI package into items of a pack source folder, listing what cannot be mapped."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from mcdesk.content.qti.interactions import MAPPERS, slug
from mcdesk.content.qti.markup import INTERACTIONS, Figure, Markdown, NotMappable, to_markdown
from mcdesk.content.qti.package import (
    MAX_MEDIA_BYTES,
    ItemResource,
    QtiPackage,
    QtiRefused,
    resolve,
)
from mcdesk.content.qti.responses import response_for
from mcdesk.content.source import MEDIA_SUFFIXES
from mcdesk.protocol.items.registry import item_problems

# Everything but a text entry is left out of the prompt: its choices become options.
NOT_IN_PROMPT = frozenset(INTERACTIONS - {"textEntryInteraction"})


@dataclass(frozen=True, slots=True)
class Skipped:
    """An item not imported, and why."""

    href: str
    identifier: str
    reason: str


@dataclass(slots=True)
class QtiImport:
    """Items ready for a source folder, figures to copy, and what was left out or changed."""

    items: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Mapped:
    """One item mapped, with its figures and notes, not yet accepted into the import."""

    item: dict[str, Any]
    figures: dict[str, tuple[bytes, str]]
    notes: list[str]


def _figures(package: QtiPackage, base: str, figures: list[Figure]) -> dict[str, tuple[bytes, str]]:
    """Read each figure: media file name → (bytes, alt text)."""
    named: dict[str, tuple[bytes, str]] = {}
    for figure in figures:
        path = resolve(base, figure.src)
        name = posixpath.basename(path)
        if posixpath.splitext(name)[1].lower() not in MEDIA_SUFFIXES:
            raise NotMappable(f"figure {figure.src} is not an image file mcdesk shows")
        if not figure.alt:
            raise NotMappable(f"figure {figure.src} has no alt text: add it in the package")
        data = package.read(path, at_most=MAX_MEDIA_BYTES)
        media = slug(posixpath.splitext(name)[0], set()) + posixpath.splitext(name)[1].lower()
        named[media] = (data, figure.alt)
    return named


def _stimuli(package: QtiPackage, item: Element, href: str) -> list[tuple[str, Markdown]]:
    found = []
    for ref in item.iter("assessmentStimulusRef"):
        path = resolve(href, ref.get("href", ""))
        stimulus = package.xml(path)
        body = stimulus.find("stimulusBody")
        if body is None:
            raise NotMappable(f"stimulus {path} has no stimulus body")
        found.append((path, to_markdown(body)))
    return found


def _feedback(item: Element) -> str:
    texts = [to_markdown(f).text() for f in item.iter("modalFeedback")]
    return "\n\n".join(t for t in texts if t)


def _map_item(package: QtiPackage, resource: ItemResource, *, with_figures: bool) -> _Mapped:
    item = package.xml(resource.href)
    if item.tag != "assessmentItem":
        raise NotMappable(f"the file holds {item.tag}, not an assessment item")
    body = item.find("itemBody")
    if body is None:
        raise NotMappable("the item has no body")
    interactions = [e for e in body.iter() if e.tag in INTERACTIONS]
    if len(interactions) != 1:
        raise NotMappable(f"{len(interactions)} interactions; mcdesk items have exactly one")
    interaction = interactions[0]
    mapper = MAPPERS.get(interaction.tag)
    if mapper is None:
        raise NotMappable(f"{interaction.tag} has no mcdesk item type")
    response = response_for(item, interaction.get("responseIdentifier", ""))
    mapped = mapper(interaction, response)
    parts: list[tuple[str, Markdown]] = _stimuli(package, item, resource.href)
    parts.append((resource.href, to_markdown(body, skip=NOT_IN_PROMPT)))
    prompt_element = interaction.find("prompt")
    if prompt_element is not None:
        parts.append((resource.href, to_markdown(prompt_element)))
    figures = [(base, f) for base, md in parts for f in md.figures]
    if figures and not with_figures:
        raise NotMappable(
            "the item shows a figure; the station shows figures only in lessons, so items "
            "with figures import as self-checks (--self-check), never into the sealed bank"
        )
    media: dict[str, tuple[bytes, str]] = {}
    for base, markdown in parts:
        media.update(_figures(package, base, markdown.figures))
    notes = [f"figure {alt!r} is in the lesson as {name}" for name, (_, alt) in media.items()]
    prompt = "\n\n".join(md.text() for _, md in parts if md.text())
    mcdesk_item = {"id": "", "type": mapped.fields["type"], "prompt": prompt, **mapped.fields}
    mcdesk_item["feedback"] = _feedback(item)
    mcdesk_item["qti_identifier"] = item.get("identifier") or resource.identifier
    if not mcdesk_item["feedback"]:
        notes.append("no feedback in the package: write why the answer is right")
    return _Mapped(item=mcdesk_item, figures=media, notes=notes + mapped.notes)


def read_qti(path: Path, *, with_figures: bool, taken_ids: set[str], id_prefix: str) -> QtiImport:
    """Map every item of the package; QtiRefused when the package itself is unsafe."""
    out = QtiImport()
    with QtiPackage(path) as package:
        for resource in package.items():
            try:
                mapped = _map_item(package, resource, with_figures=with_figures)
            except NotMappable as exc:
                out.skipped.append(Skipped(resource.href, resource.identifier, str(exc)))
                continue
            item = mapped.item
            item["id"] = slug(f"{id_prefix}{item.pop('qti_identifier')}", taken_ids)
            checked = dict(item)
            if checked["type"] == "short_text":
                checked["answer"] = {"accepted": checked["accepted"]}
            problems = item_problems(checked)
            if problems:
                taken_ids.discard(item["id"])
                out.skipped.append(Skipped(resource.href, resource.identifier, "; ".join(problems)))
                continue
            # Only an accepted item brings its figures and notes along.
            out.items.append(item)
            out.figures.update(mapped.figures)
            out.notes.extend((item["id"], note) for note in mapped.notes)
    return out


__all__ = ["QtiImport", "QtiRefused", "Skipped", "read_qti"]
