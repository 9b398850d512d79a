"""Lint rules over a lesson's Markdown: links that go nowhere, images without alt text, tables
without a header row (lint_rules.RULES runs them with the item rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcdesk.content.lint import Finding, LintSubject, Severity

LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
# A table row: a line that starts with a pipe after optional indent (GFM pipe tables).
TABLE_ROW = re.compile(r"^ {0,3}\|")
TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
HTML_TABLE = re.compile(r"<table\b.*?</table>", re.IGNORECASE | re.DOTALL)


def lessons(subject: LintSubject) -> Iterator[tuple[str, str]]:
    for skill in subject.manifest["skills"]:
        yield str(skill["id"]), str(skill["lesson"])


def _anchor(heading: str) -> str:
    """The anchor a heading gets: lower case, punctuation dropped, spaces to hyphens."""
    plain = re.sub(r"[^\w\s-]", "", heading.lower().replace("*", ""))
    return re.sub(r"\s", "-", plain.strip())


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def dead_links(subject: LintSubject) -> Iterator[Finding]:
    """Error: a link inside the pack that goes nowhere (a file or heading that is not there)."""
    for skill_id, rel in lessons(subject):
        text = subject.text(rel)
        anchors = {_anchor(h) for h in HEADING.findall(text)}
        for match in LINK.finditer(text):
            target = match.group(3)
            if match.group(1) or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # images are checked by the builder; URLs leave the pack
            path, _, anchor = target.partition("#")
            reason = None
            if path and not (subject.root / "skills" / skill_id / path).resolve().is_file():
                reason = f"{path} does not exist"
            elif not path and anchor not in anchors:
                reason = f"no heading makes the anchor #{anchor}"
            if reason:
                yield Finding(
                    rel,
                    _line(text, match.start()),
                    "dead-link",
                    Severity.ERROR,
                    f"link [{match.group(2)}]({target}): {reason}",
                )


def missing_alt_text(subject: LintSubject) -> Iterator[Finding]:
    """Error: an image without alt text says nothing to a learner using a screen reader."""
    sources = [(rel, subject.text(rel)) for _, rel in lessons(subject)]
    sources += [(e.file, str(e.item["prompt"])) for e in subject.items]
    for rel, text in sources:
        for match in LINK.finditer(text):
            alt, target = match.group(2).strip(), match.group(3)
            if match.group(1) and (not alt or alt == target.rsplit("/", 1)[-1]):
                line = (
                    _line(text, match.start())
                    if rel.endswith(".md")
                    else subject.line_of(rel, target)
                )
                yield Finding(
                    rel,
                    line,
                    "missing-alt",
                    Severity.ERROR,
                    f"image {target} has no alt text: describe what it shows",
                )


def _fenced(lines: list[str]) -> list[bool]:
    """For each line, whether it sits inside a ``` or ~~~ code fence."""
    inside, marks = False, []
    for line in lines:
        if FENCE.match(line):
            inside = not inside
            marks.append(True)
            continue
        marks.append(inside)
    return marks


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def table_headers(subject: LintSubject) -> Iterator[Finding]:
    """Error: a table without a header row, which a screen reader cannot name columns by."""
    for _, rel in lessons(subject):
        text = subject.text(rel)
        lines = text.splitlines()
        fenced = _fenced(lines)
        number = 0
        while number < len(lines):
            if fenced[number] or not TABLE_ROW.match(lines[number]):
                number += 1
                continue
            start = number
            while number < len(lines) and not fenced[number] and TABLE_ROW.match(lines[number]):
                number += 1
            block = lines[start:number]
            reason = None
            if len(block) < 2 or not TABLE_RULE.match(block[1]):
                reason = (
                    "has no header row: give it a first row naming each column, then a "
                    "line like |---|---|"
                )
            elif not all(_cells(block[0])[1:]) or not any(_cells(block[0])):
                # An empty first cell is the corner of a table whose rows are named in
                # its first column; every other column needs its name.
                reason = "has an empty header cell: name every column in the first row"
            if reason:
                yield Finding(rel, start + 1, "table-header", Severity.ERROR, f"the table {reason}")
        for match in HTML_TABLE.finditer(text):
            if "<th" not in match.group(0).lower():
                yield Finding(
                    rel,
                    _line(text, match.start()),
                    "table-header",
                    Severity.ERROR,
                    "the HTML table has no <th> header cells: use a Markdown table with a "
                    "header row",
                )
