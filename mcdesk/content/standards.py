"""The industry standards a micro-credential aligns to: the one reading of ``[[standards]]``.

A pack source lists them in pack.toml; the manifest carries them as ``standards``; the
station's micro-credential page, ``mcdesk catalog list`` and the server's badges (as
Open Badges alignments) all read them through ``standards_of``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MAX_STANDARDS = 8
FIELDS = ("framework", "code", "title", "url")
# Characters a field may hold; the manifest schema states the same bounds.
MAX_LENGTH = {"framework": 200, "code": 100, "title": 200, "url": 2000}


@dataclass(frozen=True, slots=True)
class Standard:
    """One standard: the framework that publishes it, its code there, its title and page.

    ``skills`` names the skills it covers; empty means every skill of the pack.
    """

    framework: str
    code: str
    title: str
    url: str
    skills: tuple[str, ...] = ()

    def label(self) -> str:
        """ "Framework Code — Title", how a person reads it."""
        return f"{self.framework} {self.code} — {self.title}"


def _field_problems(where: str, entry: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for name in FIELDS:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: '{name}' must be non-empty text")
        elif len(value) > MAX_LENGTH[name]:
            problems.append(f"{where}: '{name}' is longer than {MAX_LENGTH[name]} characters")
        elif any(ch in value for ch in "\r\n"):
            problems.append(f"{where}: '{name}' must fit on one line")
    url = entry.get("url")
    if isinstance(url, str) and url.strip() and len(url) <= MAX_LENGTH["url"]:
        parts = urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(c.isspace() for c in url)
        ):
            problems.append(f"{where}: url {url[:80]!r} must be an http(s) web address")
    return problems


def standard_problems(raw: object, *, skill_ids: Collection[str]) -> list[str]:
    """Everything wrong with a ``standards`` list, in words an author can act on."""
    if not isinstance(raw, list):
        return ["standards must be a list of [[standards]] tables"]
    if not raw:
        return ["list at least one standard, or leave [[standards]] out"]
    if len(raw) > MAX_STANDARDS:
        return [f"a pack names at most {MAX_STANDARDS} standards, not {len(raw)}"]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, entry in enumerate(raw, 1):
        where = f"standard {number}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where} must be a table of framework, code, title, url")
            continue
        extra = sorted(set(entry) - {*FIELDS, "skills"})
        if extra:
            problems.append(f"{where}: unknown field {', '.join(map(repr, extra))}")
        problems += _field_problems(where, entry)
        key = (str(entry.get("framework")), str(entry.get("code")))
        if key in seen:
            problems.append(f"{where}: {key[0]} {key[1]} is named twice")
        seen.add(key)
        skills = entry.get("skills")
        if skills is None:
            continue
        if (
            not isinstance(skills, list)
            or not skills
            or not all(isinstance(s, str) for s in skills)
        ):
            problems.append(f"{where}: 'skills' must be a non-empty list of skill ids")
            continue
        problems += [
            f"{where}: skill {skill!r} is not a skill of this pack"
            for skill in skills
            if skill not in skill_ids
        ]
        if len(set(skills)) != len(skills):
            problems.append(f"{where}: a skill is listed twice")
    return problems


def standards_of(manifest: Mapping[str, Any]) -> tuple[Standard, ...]:
    """The standards of a verified manifest (none when it names none)."""
    return tuple(
        Standard(
            framework=str(entry["framework"]),
            code=str(entry["code"]),
            title=str(entry["title"]),
            url=str(entry["url"]),
            skills=tuple(str(skill) for skill in entry.get("skills", ())),
        )
        for entry in manifest.get("standards", ())
    )
