"""Check a pack source folder for what makes content unfair or unclear, before it is signed.

Each rule is one small function over a ``LintSubject`` and yields ``Finding``s. Errors
block ``make catalog``; warnings are for the author to judge (docs/authoring.md says why
each rule has the severity it has).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from mcdesk.content.errors import SourceError
from mcdesk.content.source import read_source


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: where (file relative to the source folder, line), which rule, words."""

    file: str
    line: int
    rule: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity} [{self.rule}] {self.message}"


@dataclass(frozen=True, slots=True)
class LintItem:
    """An item with where it was written: the file it lives in and its role."""

    item: dict[str, Any]
    file: str
    sealed: bool

    @property
    def id(self) -> str:
        return str(self.item["id"])


@dataclass(slots=True)
class LintSubject:
    """A source folder read once: the manifest, the items and the text of every file."""

    root: Path
    manifest: dict[str, Any]
    items: list[LintItem]
    texts: dict[str, str] = field(default_factory=dict)
    grades: dict[str, float | None] | None = None

    def text(self, rel: str) -> str:
        """The file's text, read once; empty when the file does not exist."""
        if rel not in self.texts:
            path = self.root / rel
            self.texts[rel] = path.read_text(encoding="utf-8") if path.is_file() else ""
        return self.texts[rel]

    def line_of(self, rel: str, needle: str) -> int:
        """The 1-based line where ``needle`` first appears in the file (1 if it does not)."""
        offset = self.text(rel).find(needle)
        return 1 if offset < 0 else self.text(rel).count("\n", 0, offset) + 1

    def item_line(self, entry: LintItem) -> int:
        return self.line_of(entry.file, f'id = "{entry.id}"')


def read_subject(root: Path) -> LintSubject:
    """Read the folder the way ``pack build`` does; SourceError if it cannot be built."""
    source = read_source(root)
    items: list[LintItem] = []
    for skill in source.manifest["skills"]:
        rel = f"skills/{skill['id']}/skill.toml"
        items.extend(LintItem(item=item, file=rel, sealed=False) for item in skill["self_check"])
    for item in source.bank:
        rel = f"skills/{item['skill']}/assessment.toml"
        items.append(LintItem(item=item, file=rel, sealed=True))
    return LintSubject(root=root, manifest=source.manifest, items=items)


Rule = Callable[[LintSubject], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class LintReport:
    """Every finding, and the reading grade of every lesson (None: too short to judge)."""

    findings: list[Finding]
    grades: dict[str, float | None]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


def lint_source(root: Path) -> LintReport:
    """Run every rule over a source folder; a folder that cannot be read is one error."""
    # The rules import this module's types; importing them here keeps the cycle one-way.
    from mcdesk.content.lint_rules import RULES, lesson_grades

    try:
        subject = read_subject(root)
    except SourceError as exc:
        finding = Finding("pack.toml", 1, "source", Severity.ERROR, str(exc))
        return LintReport(findings=[finding], grades={})
    findings = [finding for rule in RULES for finding in rule(subject)]
    findings.sort(key=lambda f: (f.file, f.line, f.rule))
    return LintReport(findings=findings, grades=lesson_grades(subject))
