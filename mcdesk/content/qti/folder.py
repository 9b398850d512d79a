"""Write imported QTI items into a pack source folder, new or existing, all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcdesk.content.qti.importer import QtiImport, QtiRefused, read_qti
from mcdesk.content.qti.tomlwrite import toml_table
from mcdesk.content.source import SLUG

NEW_PACK = """\
schema_version = 1
id = {id}
version = "0.1.0"
title = {title}
career_cluster = {cluster}
summary = "Imported from QTI: say in a sentence or two what a learner will be able to do."
preview = false
skills = [{skill}]

# Check the blueprint before you build: items_per_skill may not exceed the bank.
[assessment]
time_limit_minutes = 30
proficiency_level = 0.7
items_per_skill = 1
"""

NEW_SKILL = """\
title = {title}
summary = "Imported from QTI: what the learner will be able to do."
"""

NEW_LESSON = """\
# {title}

Imported from a QTI package. Write the lesson here before you publish the pack.
"""


@dataclass(frozen=True, slots=True)
class ImportedInto:
    """What the import wrote and where, with the package's report."""

    folder: Path
    skill: str
    written: list[str]
    report: QtiImport


def _quoted(text: str) -> str:
    return toml_table("x", {"v": text}).splitlines()[1].removeprefix("v = ")


def _toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QtiRefused(f"{path}: not valid TOML: {exc}") from exc


def _existing_ids(folder: Path) -> tuple[set[str], list[str]]:
    """Skill ids and item ids already taken; a pack still waiting for its bank is fine."""
    skills = [str(s) for s in _toml(folder / "pack.toml").get("skills", [])]
    if not skills:
        raise QtiRefused(f"{folder / 'pack.toml'} lists no skills")
    ids: set[str] = set()
    for skill in skills:
        ids |= {
            str(i.get("id"))
            for i in _toml(folder / "skills" / skill / "skill.toml").get("self_check", [])
        }
        ids |= {
            str(i.get("id"))
            for i in _toml(folder / "skills" / skill / "assessment.toml").get("items", [])
        }
    return ids, skills


def _new_pack(
    pack_id: str | None, title: str | None, cluster: str | None, skill: str
) -> dict[str, str]:
    if not (pack_id and title and cluster):
        raise QtiRefused("a new pack needs --pack-id, --title and --cluster")
    if not SLUG.match(pack_id):
        raise QtiRefused(f"pack id {pack_id!r} must be a lower-case slug such as 'hvac-basics'")
    return {
        "pack.toml": NEW_PACK.format(
            id=_quoted(pack_id),
            title=_quoted(title),
            cluster=_quoted(cluster),
            skill=_quoted(skill),
        ),
        f"skills/{skill}/skill.toml": NEW_SKILL.format(title=_quoted(title)),
        f"skills/{skill}/lesson.md": NEW_LESSON.format(title=title),
    }


def _append(text: str, table: str, items: list[dict[str, Any]]) -> str:
    added = "".join("\n" + toml_table(table, item) for item in items)
    result = text + ("\n" if text and not text.endswith("\n") else "") + added
    # The file must read back to exactly these items, or nothing is written.
    parsed = tomllib.loads(result).get(table, [])
    if parsed[len(parsed) - len(items) :] != items:
        raise QtiRefused(f"internal error: the {table} written do not read back as imported")
    return result


def _write(folder: Path, texts: dict[str, str], media: dict[str, bytes], *, new: bool) -> None:
    if new:
        stage = Path(tempfile.mkdtemp(prefix=".qti-", dir=folder.parent))
        try:
            for rel, text in texts.items():
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                (stage / rel).write_text(text, encoding="utf-8")
            for rel, data in media.items():
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                (stage / rel).write_bytes(data)
            if folder.exists():
                folder.rmdir()
            os.replace(stage, folder)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return
    for rel, payload in [*((r, t.encode("utf-8")) for r, t in texts.items()), *media.items()]:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".qti-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, target)


def import_qti(
    package: Path,
    *,
    folder: Path,
    self_check: bool,
    skill: str | None = None,
    pack_id: str | None = None,
    title: str | None = None,
    cluster: str | None = None,
) -> ImportedInto:
    """Import a QTI package into ``folder``; QtiRefused (nothing written) if it cannot."""
    new = not (folder / "pack.toml").is_file()
    if new and folder.exists() and any(folder.iterdir()):
        raise QtiRefused(f"{folder} is neither empty nor a pack source (no pack.toml)")
    if new:
        skill = skill or "imported"
        taken: set[str] = set()
        texts = _new_pack(pack_id, title, cluster, skill)
    else:
        taken, skills = _existing_ids(folder)
        skill = skill or skills[0]
        if skill not in skills:
            raise QtiRefused(f"skill {skill!r} is not in {folder / 'pack.toml'}")
        texts = {}
    report = read_qti(package, with_figures=self_check, taken_ids=taken, id_prefix="")
    if not report.items:
        raise QtiRefused(f"{package.name}: no item could be imported")
    base = f"skills/{skill}"
    rel = f"{base}/skill.toml" if self_check else f"{base}/assessment.toml"
    current = texts.get(rel) or (
        (folder / rel).read_text(encoding="utf-8") if (folder / rel).exists() else ""
    )
    texts[rel] = _append(current, "self_check" if self_check else "items", report.items)
    media: dict[str, bytes] = {}
    if report.figures:
        lesson = f"{base}/lesson.md"
        text = texts.get(lesson) or (folder / lesson).read_text(encoding="utf-8")
        lines = [f"![{alt}](media/{name})" for name, (_, alt) in report.figures.items()]
        texts[lesson] = text.rstrip("\n") + "\n\n## Figures\n\n" + "\n\n".join(lines) + "\n"
        media = {f"{base}/media/{name}": data for name, (data, _) in report.figures.items()}
        for rel, data in media.items():
            if (folder / rel).is_file() and (folder / rel).read_bytes() != data:
                raise QtiRefused(f"{folder / rel} exists with other content; rename one of them")
    _write(folder, texts, media, new=new)
    return ImportedInto(folder=folder, skill=skill, written=sorted([*texts, *media]), report=report)
