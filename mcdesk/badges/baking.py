"""Baking: a credential carried inside a PNG (iTXt chunk) or an SVG (openbadges element)."""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass
from enum import Enum
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from mcdesk.badges.jws import COMPACT_JWS
from mcdesk.errors import McdeskError

# One credential is a few KB; a chunk past 1 MiB is an attack or a mistake.
MAX_CHUNK_BYTES = 1024 * 1024
MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

OB3_PNG_KEYWORD = "openbadgecredential"
OB2_PNG_KEYWORD = "openbadges"
OB3_SVG_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NS = "http://openbadges.org"
_SVG_NS = "http://www.w3.org/2000/svg"


class BakeRefused(McdeskError, ValueError):
    """An image that cannot be baked or unbaked; the message says why in words."""


class BadgeVersion(Enum):
    """Which Open Badges version a baked image carries."""

    OB3 = "3.0"
    OB2 = "2.0"


@dataclass(frozen=True, slots=True)
class Unbaked:
    """The credential text found in an image, and (SVG 2.0) the displayed JSON beside it."""

    version: BadgeVersion
    text: str
    displayed: str | None = None


def _check_size(image: bytes) -> None:
    if len(image) > MAX_IMAGE_BYTES:
        raise BakeRefused(f"the image is too large ({len(image):,} bytes; the limit is 16 MiB)")


def _png_text_chunks(image: bytes) -> list[tuple[bytes, str, bytes]]:
    """(chunk type, keyword, data) of every text chunk, CRCs checked, sizes bounded."""
    if not image.startswith(PNG_SIGNATURE):
        raise BakeRefused("it is not a PNG image (the PNG signature is missing)")
    source = io.BytesIO(image[len(PNG_SIGNATURE) :])
    stream = PngImagePlugin.ChunkStream(source)
    found: list[tuple[bytes, str, bytes]] = []
    while True:
        try:
            cid, _pos, length = stream.read()
        except (SyntaxError, struct.error, ValueError, OSError):
            raise BakeRefused("the PNG is truncated or damaged") from None
        if cid in (b"tEXt", b"zTXt", b"iTXt"):
            if length > MAX_CHUNK_BYTES:
                raise BakeRefused(
                    f"a text chunk holds {length:,} bytes; badges refuse chunks over 1 MiB"
                )
        elif length > MAX_IMAGE_BYTES:
            raise BakeRefused("the PNG declares a chunk larger than the file")
        data = source.read(length)
        if len(data) != length:
            raise BakeRefused("the PNG is truncated or damaged")
        try:
            stream.crc(cid, data)
        except (SyntaxError, OSError):
            raise BakeRefused(
                f"the PNG's {cid.decode('latin-1')} chunk fails its checksum"
            ) from None
        if cid in (b"tEXt", b"zTXt", b"iTXt"):
            found.append((cid, data.split(b"\0", 1)[0].decode("latin-1"), data))
        if cid == b"IEND":
            return found


def _itxt_text(data: bytes) -> str:
    keyword, _, rest = data.partition(b"\0")
    if len(rest) < 2:
        raise BakeRefused(f"the {keyword.decode('latin-1')} chunk is truncated")
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    if compressed:
        raise BakeRefused("the credential chunk is compressed; badges carry it uncompressed")
    _language, _, rest = rest.partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakeRefused("the credential chunk is not UTF-8 text") from None


def unbake_png(image: bytes) -> Unbaked:
    """The one credential in a baked PNG; refuses none, two, huge or damaged chunks in words."""
    _check_size(image)
    chunks = _png_text_chunks(image)
    ours = [(c, k, d) for c, k, d in chunks if k in (OB3_PNG_KEYWORD, OB2_PNG_KEYWORD)]
    if not ours:
        raise BakeRefused("the PNG carries no badge (no openbadgecredential or openbadges chunk)")
    if len(ours) > 1:
        raise BakeRefused(
            f"the PNG carries {len(ours)} badge chunks; a baked badge has exactly one"
        )
    cid, keyword, data = ours[0]
    if cid != b"iTXt":
        raise BakeRefused("the badge is in a tEXt/zTXt chunk; badges use iTXt")
    version = BadgeVersion.OB3 if keyword == OB3_PNG_KEYWORD else BadgeVersion.OB2
    return Unbaked(version=version, text=_itxt_text(data))


def _open_image(image: bytes) -> Image.Image:
    try:
        opened = Image.open(io.BytesIO(image))
        if opened.width * opened.height > MAX_PIXELS:
            raise BakeRefused(f"the image is {opened.width}×{opened.height}; too large to bake")
        opened.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BakeRefused("it is not a readable image") from None
    return opened


def bake_png(*, image: bytes, text: str, version: BadgeVersion) -> bytes:
    """The PNG with `text` (a JWT/JWS or JSON) in one iTXt chunk; earlier badge chunks dropped."""
    _check_size(image)
    if len(text.encode("utf-8")) > MAX_CHUNK_BYTES:
        raise BakeRefused("the credential is larger than 1 MiB")
    if not image.startswith(PNG_SIGNATURE):
        raise BakeRefused("it is not a PNG image (the PNG signature is missing)")
    picture = _open_image(image)
    info = PngImagePlugin.PngInfo()
    keyword = OB3_PNG_KEYWORD if version is BadgeVersion.OB3 else OB2_PNG_KEYWORD
    info.add_itxt(keyword, text, zip=False)
    out = io.BytesIO()
    # Pillow writes only the chunks given in pnginfo, so an old badge chunk is not carried over.
    picture.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()


_SVG_OPEN = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)


def _parse_svg(image: bytes) -> Element:
    _check_size(image)
    try:
        root = fromstring(image, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise BakeRefused(
            "it is not a well-formed SVG (or it declares entities or a DTD)"
        ) from None
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise BakeRefused("the XML document is not an SVG")
    return root


def bake_svg(
    *, image: bytes, text: str, version: BadgeVersion, displayed: str | None = None
) -> bytes:
    """The SVG with `text` in one openbadges element (3.0 credential, 2.0 assertion)."""
    root = _parse_svg(image)
    if _badge_elements(root):
        raise BakeRefused("the SVG already carries a badge")
    if len(text.encode("utf-8")) > MAX_CHUNK_BYTES or "]]>" in text:
        raise BakeRefused("the credential cannot be carried in an SVG (too large or has ']]>')")
    opening = _SVG_OPEN.search(image)
    if opening is None:
        raise BakeRefused("the SVG's opening tag could not be found")
    if version is BadgeVersion.OB3:
        # OB 3.0 §5.3.2: a VC-JWT goes in `verify`; a JSON credential in the body, as CDATA.
        if COMPACT_JWS.match(text):
            element = f"<openbadges:credential verify={quoteattr(text)}></openbadges:credential>"
        else:
            element = f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential>"
        namespace = OB3_SVG_NS
    else:
        # The 2.0 signed form: the JWS in `verify`, the readable assertion beside it.
        shown = displayed if displayed is not None else ""
        if "]]>" in shown:
            raise BakeRefused("the displayed assertion cannot be carried in an SVG")
        element = (
            f"<openbadges:assertion verify={quoteattr(text)}>"
            f"<![CDATA[{shown}]]></openbadges:assertion>"
        )
        namespace = OB2_SVG_NS
    tag = opening.group(0)
    declared = tag[:-1] + f' xmlns:openbadges="{namespace}">'.encode()
    if b"xmlns:openbadges" in tag:
        raise BakeRefused("the SVG already declares an openbadges namespace")
    return image[: opening.start()] + declared + element.encode("utf-8") + image[opening.end() :]


def _badge_elements(root: Element) -> list[tuple[BadgeVersion, Element]]:
    found = [(BadgeVersion.OB3, e) for e in root.iter(f"{{{OB3_SVG_NS}}}credential")]
    found += [(BadgeVersion.OB2, e) for e in root.iter(f"{{{OB2_SVG_NS}}}assertion")]
    return found


def unbake_svg(image: bytes) -> Unbaked:
    """The one credential in a baked SVG; refuses none, two, or huge ones in words."""
    root = _parse_svg(image)
    elements = _badge_elements(root)
    if not elements:
        raise BakeRefused("the SVG carries no badge (no openbadges:credential or :assertion)")
    if len(elements) > 1:
        raise BakeRefused(f"the SVG carries {len(elements)} badges; a baked badge has exactly one")
    version, element = elements[0]
    content = element.text or ""
    verify = element.get("verify")
    text = verify if verify else content
    if (
        len(text.encode("utf-8")) > MAX_CHUNK_BYTES
        or len(content.encode("utf-8")) > MAX_CHUNK_BYTES
    ):
        raise BakeRefused("the badge in the SVG is over 1 MiB")
    displayed = content if verify and content.strip() else None
    return Unbaked(version=version, text=text, displayed=displayed)
