"""Baking and unbaking PNG and SVG badges: byte-for-byte round trips and refusals in words."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from mcdesk.badges.baking import (
    BadgeVersion,
    BakeRefused,
    bake_png,
    bake_svg,
    unbake_png,
    unbake_svg,
)
from mcdesk.badges.images import BadgeArt, badge_png, badge_svg
from mcdesk.badges.issuer_key import new_issuer_key
from mcdesk.badges.ob3 import issue_credential
from tests.badges.samples import SPEC, sample_award

ART = BadgeArt(title=SPEC.name, cluster=SPEC.career_cluster)


@pytest.fixture(scope="module")
def token() -> str:
    key = new_issuer_key()
    return issue_credential(award=sample_award(key), key=key).jwt


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _with_chunk(png: bytes, chunk: bytes) -> bytes:
    """Insert a raw chunk just before IEND (the last 12 bytes)."""
    return png[:-12] + chunk + png[-12:]


def _itxt(keyword: str, text: bytes) -> bytes:
    return _chunk(b"iTXt", keyword.encode() + b"\0\0\0\0\0" + text)


@pytest.mark.parametrize("version", list(BadgeVersion))
def test_png_bake_then_unbake_returns_the_credential_byte_for_byte(
    token: str, version: BadgeVersion
) -> None:
    baked = bake_png(image=badge_png(ART), text=token, version=version)
    found = unbake_png(baked)
    assert found.text.encode() == token.encode()
    assert found.version is version
    assert Image.open(io.BytesIO(baked)).size == (512, 512)
    keyword = "openbadgecredential" if version is BadgeVersion.OB3 else "openbadges"
    assert Image.open(io.BytesIO(baked)).text == {keyword: token}  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", list(BadgeVersion))
def test_svg_bake_then_unbake_returns_the_credential_byte_for_byte(
    token: str, version: BadgeVersion
) -> None:
    baked = bake_svg(image=badge_svg(ART), text=token, version=version, displayed='{"a": 1}')
    found = unbake_svg(baked)
    assert found.text.encode() == token.encode()
    assert found.version is version
    if version is BadgeVersion.OB2:
        assert b'<openbadges:assertion verify="' in baked
        assert found.displayed == '{"a": 1}'
    else:
        assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
        assert f'<openbadges:credential verify="{token}"></openbadges:credential>'.encode() in baked


def test_rebaking_a_png_replaces_the_old_badge(token: str) -> None:
    once = bake_png(image=badge_png(ART), text="old", version=BadgeVersion.OB3)
    twice = bake_png(image=once, text=token, version=BadgeVersion.OB3)
    assert unbake_png(twice).text == token


def test_two_credential_chunks_are_refused(token: str) -> None:
    baked = bake_png(image=badge_png(ART), text=token, version=BadgeVersion.OB3)
    doubled = _with_chunk(baked, _itxt("openbadgecredential", b"eyJ.eyJ.sig"))
    with pytest.raises(BakeRefused, match="2 badge chunks"):
        unbake_png(doubled)
    mixed = _with_chunk(baked, _itxt("openbadges", token.encode()))
    with pytest.raises(BakeRefused, match="exactly one"):
        unbake_png(mixed)


def test_a_chunk_over_one_mib_is_refused_before_it_is_read() -> None:
    huge = _with_chunk(badge_png(ART), _itxt("openbadgecredential", b"A" * (2 * 1024 * 1024)))
    with pytest.raises(BakeRefused, match="over 1 MiB"):
        unbake_png(huge)
    with pytest.raises(BakeRefused, match="larger than 1 MiB"):
        bake_png(image=badge_png(ART), text="A" * (2 * 1024 * 1024), version=BadgeVersion.OB3)


@pytest.mark.parametrize(
    ("mangle", "words"),
    [
        (lambda png: b"GIF89a" + png[6:], "not a PNG"),
        (lambda png: png[: len(png) // 2], "truncated or damaged"),
        (lambda png: png[:40] + bytes([png[40] ^ 0xFF]) + png[41:], "checksum|damaged"),
        (lambda png: png, "carries no badge"),
    ],
)
def test_bad_pngs_are_refused_in_words(mangle: object, words: str) -> None:
    with pytest.raises(BakeRefused, match=words):
        unbake_png(mangle(badge_png(ART)))  # type: ignore[operator]


def test_a_badge_in_a_text_chunk_is_refused(token: str) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("openbadgecredential", token)
    out = io.BytesIO()
    Image.open(io.BytesIO(badge_png(ART))).save(out, format="PNG", pnginfo=info)
    with pytest.raises(BakeRefused, match="iTXt"):
        unbake_png(out.getvalue())


def test_baking_garbage_is_refused() -> None:
    with pytest.raises(BakeRefused, match="not a PNG"):
        bake_png(image=b"hello", text="x", version=BadgeVersion.OB3)
    with pytest.raises(BakeRefused, match="not a readable image"):
        bake_png(image=badge_png(ART)[:100], text="x", version=BadgeVersion.OB3)
    with pytest.raises(BakeRefused, match="well-formed SVG"):
        bake_svg(image=b"<svg", text="x", version=BadgeVersion.OB3)


def test_hostile_svgs_are_refused(token: str) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>'
    )
    with pytest.raises(BakeRefused, match="entities or a DTD"):
        unbake_svg(bomb)
    once = bake_svg(image=badge_svg(ART), text=token, version=BadgeVersion.OB3)
    twice = once.replace(b"</svg>", b"<openbadges:credential>x</openbadges:credential></svg>")
    with pytest.raises(BakeRefused, match="2 badges"):
        unbake_svg(twice)
    with pytest.raises(BakeRefused, match="already carries a badge"):
        bake_svg(image=once, text=token, version=BadgeVersion.OB3)
    huge = once.replace(token.encode(), b"A" * (2 * 1024 * 1024))
    with pytest.raises(BakeRefused, match="over 1 MiB"):
        unbake_svg(huge)
    with pytest.raises(BakeRefused, match="not an SVG"):
        unbake_svg(b"<html><body/></html>")
