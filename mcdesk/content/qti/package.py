"""Open a QTI content package safely: zip shape, sizes, and XML with no DTDs or entities."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from mcdesk.content.errors import PackRefused
from mcdesk.content.limits import DEFAULT_LIMITS
from mcdesk.content.verify import check_archive_shape
from mcdesk.errors import McdeskError

MANIFEST = "imsmanifest.xml"
# An item or manifest past this is not an item bank but an attack or a mistake.
MAX_XML_BYTES = 4 * 1000 * 1000
MAX_MEDIA_BYTES = 10 * 1000 * 1000
ITEM_TYPES = re.compile(r"^imsqti_item_xmlv(2p[0-2]|3p0)$")


class QtiRefused(McdeskError):
    """The package cannot be imported at all; the message says why in words."""


def local(tag: str) -> str:
    """An element or attribute name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _camel(name: str) -> str:
    """QTI 3.0 names (``qti-simple-choice``, ``max-choices``) in QTI 2.1 form."""
    name = local(name)
    if name.startswith("qti-"):
        name = name[4:]
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def normalise(root: Element) -> Element:
    """Rename every element and attribute to QTI 2.1 style, so one mapper reads both."""
    for element in root.iter():
        element.tag = (
            _camel(element.tag) if local(element.tag).startswith("qti-") else local(element.tag)
        )
        for key in list(element.attrib):
            new = _camel(key) if "-" in key else local(key)
            if new != key:
                element.attrib[new] = element.attrib.pop(key)
    return root


def parse_xml(data: bytes, *, where: str) -> Element:
    """Parse untrusted XML: DTDs, entities and external references are refused."""
    try:
        return safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException as exc:
        raise QtiRefused(
            f"{where}: refused: the XML declares a DTD or entities ({type(exc).__name__}); "
            "entity expansion and external references are not allowed"
        ) from exc
    except ParseError as exc:
        raise QtiRefused(f"{where}: not well-formed XML: {exc}") from exc


@dataclass(frozen=True, slots=True)
class ItemResource:
    """One item named by the manifest: its file, and every file it depends on."""

    identifier: str
    href: str


class QtiPackage:
    """A package opened and checked; files are read on demand with a size cap."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._archive = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise QtiRefused(f"no such file: {path}") from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise QtiRefused(f"{path}: not a zip archive ({exc})") from exc
        try:
            files = check_archive_shape(self._archive.infolist(), DEFAULT_LIMITS)
        except PackRefused as exc:
            self._archive.close()
            raise QtiRefused(f"{path}: {exc}") from exc
        self._entries = {info.filename: info for info in files}

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> QtiPackage:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def has(self, name: str) -> bool:
        return name in self._entries

    def read(self, name: str, *, at_most: int) -> bytes:
        """One entry's bytes; refused when it claims or holds more than ``at_most``."""
        info = self._entries.get(name)
        if info is None:
            raise QtiRefused(f"{self.path.name}: {name} is named but not in the package")
        if info.file_size > at_most:
            raise QtiRefused(
                f"{self.path.name}: {name} is {info.file_size:,} bytes; the limit is {at_most:,}"
            )
        try:
            with self._archive.open(info) as handle:
                data = handle.read(at_most + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise QtiRefused(f"{self.path.name}: {name} is damaged: {exc}") from exc
        if len(data) > at_most:
            raise QtiRefused(f"{self.path.name}: {name} holds more bytes than its header says")
        return data

    def xml(self, name: str) -> Element:
        """An XML entry parsed safely and normalised to QTI 2.1 names."""
        where = f"{self.path.name}: {name}"
        return normalise(parse_xml(self.read(name, at_most=MAX_XML_BYTES), where=where))

    def items(self) -> list[ItemResource]:
        """The item resources the manifest lists, in its order."""
        if not self.has(MANIFEST):
            raise QtiRefused(f"{self.path.name}: no {MANIFEST}: not an IMS content package")
        manifest = self.xml(MANIFEST)
        found = []
        for resource in manifest.iter("resource"):
            if ITEM_TYPES.match(resource.get("type", "")) and resource.get("href"):
                href = resolve(MANIFEST, resource.get("href", ""))
                found.append(ItemResource(identifier=resource.get("identifier", href), href=href))
        if not found:
            raise QtiRefused(f"{self.path.name}: the manifest lists no QTI 2.x or 3.0 items")
        return found


def resolve(base: str, href: str) -> str:
    """A path relative to the file that names it, kept inside the package."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), href))
