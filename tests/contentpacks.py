"""Packs for the content-sync tests and benchmark: versions, previews, large media."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from mcdesk.content.build import BuiltPack, build_pack
from tests.packsource import write_source

SKILLS = ("measuring", "estimating")


def _make_preview(root: Path) -> None:
    toml = root / "pack.toml"
    text = toml.read_text(encoding="utf-8").replace("preview = false", "preview = true")
    toml.write_text(text.split("\n[assessment]")[0] + "\n", encoding="utf-8")
    for skill in SKILLS:
        (root / "skills" / skill / "assessment.toml").unlink()


def build_version(
    folder: Path,
    publisher_key: Path,
    *,
    pack_id: str = "sample-pack",
    version: str = "1.0.0",
    title: str = "Sample Pack",
    lesson_note: str = "",
    preview: bool = False,
    media_bytes: int = 0,
    lesson_bytes: int = 0,
    seed: int = 0,
) -> BuiltPack:
    """Build ``pack_id`` at ``version``; every version shares one pack key file.

    ``lesson_note`` is appended to the first skill's lesson (one lesson changed);
    ``media_bytes`` adds an incompressible image to each skill and ``lesson_bytes`` pads
    each lesson with words, both drawn from ``seed`` so a rebuild gives the same bytes.
    """
    source = folder / "src" / f"{pack_id}-{version}"
    if source.exists():
        shutil.rmtree(source)
    write_source(source, pack_id=pack_id, version=version, title=title)
    if preview:
        _make_preview(source)
    rng = random.Random(f"{pack_id}:{seed}")
    words = re.findall(r"[a-z]+", (source / "skills" / SKILLS[0] / "lesson.md").read_text())
    for n, skill in enumerate(SKILLS):
        lesson = source / "skills" / skill / "lesson.md"
        text = lesson.read_text(encoding="utf-8")
        if lesson_bytes:
            lines, size = [], 0
            while size < lesson_bytes:
                line = " ".join(rng.choices(words, k=14)).capitalize() + "."
                lines.append(line)
                size += len(line) + 2
            text += "\n## More\n\n" + "\n\n".join(lines) + "\n"
        if media_bytes:
            (lesson.parent / "media" / "photo.png").write_bytes(rng.randbytes(media_bytes))
            text += "\n![A photo of the site](media/photo.png)\n"
        if n == 0 and lesson_note:
            text += f"\n{lesson_note}\n"
        lesson.write_text(text, encoding="utf-8")
    return build_pack(
        source,
        folder / "out" / f"{pack_id}-{version}.mcpack",
        publisher_key=publisher_key,
        pack_key_file=folder / "keys" / f"{pack_id}.packkey.json",
    )
