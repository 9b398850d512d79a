"""Read a pack source folder (TOML + Markdown + media) into what the builder packs."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcdesk.content.errors import SourceError
from mcdesk.content.items import ITEM_TYPES, item_problems
from mcdesk.content.standards import standard_problems

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
IMAGE_REF = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
MEDIA_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}


@dataclass(slots=True)
class PackSource:
    """A source folder read and checked: the manifest body, its files and the bank."""

    manifest: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    bank: list[dict[str, Any]] = field(default_factory=list)


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML: {exc}") from exc


def _require(document: dict[str, Any], key: str, where: Path) -> Any:
    if key not in document:
        raise SourceError(f"{where}: missing '{key}'")
    return document[key]


def _normalise_item(raw: dict[str, Any], where: Path, *, skill_id: str | None) -> dict[str, Any]:
    """Source items become manifest items: short-text keys move into ``answer``."""
    item = dict(raw)
    item_id = item.get("id", "?")
    if item.get("type") not in ITEM_TYPES:
        raise SourceError(f"{where}: item {item_id}: type must be one of {', '.join(ITEM_TYPES)}")
    if item["type"] == "short_text":
        answer: dict[str, Any] = {}
        for key in ("accepted", "pattern"):
            if key in item:
                answer[key] = item.pop(key)
        if "answer" in item:
            raise SourceError(f"{where}: item {item_id}: short_text uses accepted/pattern")
        item["answer"] = answer
    if item["type"] == "numeric":
        item.setdefault("tolerance", 0)
    for key in ("id", "prompt", "feedback", "answer"):
        _require(item, key, where)
    if skill_id is not None:
        item["skill"] = skill_id
    problems = item_problems(item)
    if problems:
        raise SourceError(f"{where}: item {item_id}: {'; '.join(problems)}")
    return item


def _read_skill(
    root: Path, skill_id: str, *, preview: bool
) -> tuple[dict[str, Any], dict[str, bytes], list[dict[str, Any]]]:
    if not SLUG.match(skill_id):
        raise SourceError(f"{root / 'pack.toml'}: skill id {skill_id!r} is not a lower-case slug")
    folder = root / "skills" / skill_id
    if not folder.is_dir():
        raise SourceError(f"{folder}: missing (listed in pack.toml skills)")
    skill_toml = folder / "skill.toml"
    document = _load_toml(skill_toml)
    lesson_rel = f"skills/{skill_id}/lesson.md"
    lesson_path = root / lesson_rel
    if not lesson_path.is_file():
        raise SourceError(f"{lesson_path}: missing")
    lesson = lesson_path.read_bytes()
    try:
        lesson_text = lesson.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{lesson_path}: not UTF-8 text") from exc
    files = {lesson_rel: lesson}
    media = folder / "media"
    if media.is_dir():
        for path in sorted(media.iterdir()):
            if path.name.startswith("."):
                continue
            if not path.is_file() or path.suffix.lower() not in MEDIA_SUFFIXES:
                raise SourceError(
                    f"{path}: media must be image files ({', '.join(sorted(MEDIA_SUFFIXES))})"
                )
            files[f"skills/{skill_id}/media/{path.name}"] = path.read_bytes()
    for ref in IMAGE_REF.findall(lesson_text):
        if f"skills/{skill_id}/{ref}" not in files:
            raise SourceError(f"{lesson_path}: image {ref} is not in {media}")
    skill = {
        "id": skill_id,
        "title": _require(document, "title", skill_toml),
        "summary": _require(document, "summary", skill_toml),
        "lesson": lesson_rel,
        "keywords": document.get("keywords", []),
        "links": document.get("links", []),
        "self_check": [
            _normalise_item(item, skill_toml, skill_id=None)
            for item in document.get("self_check", [])
        ],
    }
    bank: list[dict[str, Any]] = []
    bank_toml = folder / "assessment.toml"
    if bank_toml.exists():
        if preview:
            raise SourceError(f"{bank_toml}: preview packs carry no assessment")
        bank = [
            _normalise_item(item, bank_toml, skill_id=skill_id)
            for item in _load_toml(bank_toml).get("items", [])
        ]
    return skill, files, bank


MAX_VALID_DAYS = 36500


def _badge_table(table: object, where: Path) -> dict[str, Any]:
    """``[badge] valid_for_days = N``: the badge expires N days after it is issued."""
    if not isinstance(table, dict) or set(table) != {"valid_for_days"}:
        raise SourceError(f"{where}: [badge] takes one key, valid_for_days (whole days)")
    days = table["valid_for_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_VALID_DAYS:
        raise SourceError(
            f"{where}: [badge] valid_for_days must be a whole number of days "
            f"from 1 to {MAX_VALID_DAYS}, not {days!r}"
        )
    return {"valid_for_days": days}


def read_source(root: Path) -> PackSource:
    """Read and check a source folder; raises SourceError naming the file at fault."""
    pack_toml = root / "pack.toml"
    document = _load_toml(pack_toml)
    preview = bool(document.get("preview", False))
    manifest: dict[str, Any] = {
        key: _require(document, key, pack_toml)
        for key in ("schema_version", "id", "version", "title", "career_cluster", "summary")
    }
    manifest["preview"] = preview
    if "badge" in document:
        manifest["badge"] = _badge_table(document["badge"], pack_toml)
    source = PackSource(manifest=manifest)
    skills = []
    for skill_id in _require(document, "skills", pack_toml):
        skill, files, bank = _read_skill(root, skill_id, preview=preview)
        skills.append(skill)
        source.files.update(files)
        source.bank.extend(bank)
    manifest["skills"] = skills
    if "standards" in document:
        problems = standard_problems(document["standards"], skill_ids=document["skills"])
        if problems:
            raise SourceError(f"{pack_toml}: {'; '.join(problems)}")
        manifest["standards"] = document["standards"]
    if preview:
        if "assessment" in document:
            raise SourceError(f"{pack_toml}: preview packs carry no [assessment]")
        return source
    blueprint = dict(_require(document, "assessment", pack_toml))
    per_skill = blueprint.get("items_per_skill", 1)
    if isinstance(per_skill, int):
        blueprint["items_per_skill"] = {skill["id"]: per_skill for skill in skills}
    blueprint.setdefault("retake", {"requires_review": True, "max_attempts_per_day": 2})
    manifest["assessment"] = blueprint
    if not source.bank:
        raise SourceError(f"{root}: a pack with an assessment needs assessment.toml items")
    return source
