"""The lint rules, one function each; ``RULES`` is the order they run in."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from mcdesk.content.lint import Finding, LintItem, LintSubject, Rule, Severity
from mcdesk.content.readability import grade_level

# Learners are 14-20: the youngest read at grade 9. A lesson also teaches its own
# technical words, which Flesch-Kincaid counts as hard, so one grade of headroom.
MAX_GRADE = 10.0
# Feedback this short, once verdict words are dropped, cannot say why ("Correct!").
MIN_RATIONALE_WORDS = 3
VERDICTS = frozenset(
    "correct incorrect right wrong yes no well done good great job nice true false "  # noqa: SIM905
    "that is it the answer see lesson".split()
)
# Word-sequence similarity at or above which two stems ask the same thing.
NEAR_DUPLICATE = 0.85
# A key at least this much longer than the longest distractor stands out.
LONGEST_MARGIN = 1.3
# A stem this long sets up a scenario: sharing it shares the item even with new options.
SCENARIO_WORDS = 20
NEGATIVE = re.compile(r"\b(not|except|never)\b", re.IGNORECASE)
EMPHASISED = re.compile(r"(\*\*|__|\*|_)\s*(not|except|never)\s*\1|\b(NOT|EXCEPT|NEVER)\b")
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
WORD = re.compile(r"[a-z0-9]+")
# A table row: a line that starts with a pipe after optional indent (GFM pipe tables).
TABLE_ROW = re.compile(r"^ {0,3}\|")
TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
HTML_TABLE = re.compile(r"<table\b.*?</table>", re.IGNORECASE | re.DOTALL)
# Issue 17: every skill of an earnable pack has at least 12 assessment items, and its
# pool holds three times what a form draws (see bank_depth).
MIN_BANK_ITEMS = 12
RETAKE_DEPTH = 3


def _lessons(subject: LintSubject) -> Iterator[tuple[str, str]]:
    for skill in subject.manifest["skills"]:
        yield str(skill["id"]), str(skill["lesson"])


def lesson_grades(subject: LintSubject) -> dict[str, float | None]:
    """The Flesch-Kincaid grade of each lesson, by its path (worked out once)."""
    if subject.grades is None:
        subject.grades = {rel: grade_level(subject.text(rel)) for _, rel in _lessons(subject)}
    return subject.grades


def reading_level(subject: LintSubject) -> Iterator[Finding]:
    """Warn: a lesson reads above what a 14-year-old reads comfortably."""
    for rel, grade in lesson_grades(subject).items():
        if grade is not None and grade > MAX_GRADE:
            yield Finding(
                rel,
                1,
                "reading-level",
                Severity.WARNING,
                f"reads at grade {grade:.1f} (Flesch-Kincaid); aim for {MAX_GRADE:.0f} or "
                "below: shorter sentences, plainer words",
            )


def missing_rationale(subject: LintSubject) -> Iterator[Finding]:
    """Error: feedback that does not explain why the answer is right."""
    for entry in subject.items:
        words = WORD.findall(str(entry.item.get("feedback", "")).lower())
        if len([w for w in words if w not in VERDICTS]) < MIN_RATIONALE_WORDS:
            yield Finding(
                entry.file,
                subject.item_line(entry),
                "missing-rationale",
                Severity.ERROR,
                f"item {entry.id}: feedback must say why the answer is right "
                "(a reason in words, not only 'Correct!')",
            )


def _stem_words(entry: LintItem) -> list[str]:
    return WORD.findall(str(entry.item["prompt"]).lower())


def _item_words(entry: LintItem) -> list[str]:
    """The stem and every option and prompt text: what the learner sees of the item."""
    item = entry.item
    texts = [str(o["text"]) for o in [*item.get("options", []), *item.get("prompts", [])]]
    return _stem_words(entry) + WORD.findall(" ".join(texts).lower())


@dataclass(frozen=True, slots=True)
class _Words:
    """A word sequence with its word counts, made once per item, compared many times."""

    words: list[str]
    counts: Counter[str]

    @classmethod
    def of(cls, words: list[str]) -> _Words:
        return cls(words, Counter(words))


def similar_stems(a: _Words, b: _Words) -> bool:
    """True when two word sequences ask the same thing, word for word or nearly."""
    if a.words == b.words:
        return True
    total = len(a.words) + len(b.words)
    if 2 * min(len(a.words), len(b.words)) < NEAR_DUPLICATE * total:
        return False  # lengths alone bound the ratio
    # Shared words bound the ratio from above: most pairs are ruled out without difflib.
    if not total or 2 * sum((a.counts & b.counts).values()) < NEAR_DUPLICATE * total:
        return False
    return SequenceMatcher(None, a.words, b.words, autojunk=False).ratio() >= NEAR_DUPLICATE


def _same_question(first: tuple[_Words, _Words], second: tuple[_Words, _Words]) -> bool:
    # A short stem ("Put these lengths in order") is carried by its options, so compare
    # what the learner sees; a long stem is a scenario, and sharing it gives the item away.
    (stem_a, all_a), (stem_b, all_b) = first, second
    shortest = min(len(stem_a.words), len(stem_b.words))
    if shortest >= SCENARIO_WORDS and similar_stems(stem_a, stem_b):
        return True
    return similar_stems(all_a, all_b)


def duplicate_stems(subject: LintSubject) -> Iterator[Finding]:
    """Error when a self-check repeats a sealed bank item; warning for other repeats."""
    words = {id(e): (_Words.of(_stem_words(e)), _Words.of(_item_words(e))) for e in subject.items}
    for first, second in combinations(subject.items, 2):
        if not _same_question(words[id(first)], words[id(second)]):
            continue
        gives_away = first.sealed != second.sealed
        practice, other = (
            (second, first) if second.sealed is False and gives_away else (first, second)
        )
        if gives_away:
            message = (
                f"self-check {practice.id} asks what bank item {other.id} asks: practice "
                "must never give away an assessment item; rewrite one of them"
            )
        else:
            message = f"item {second.id} repeats the stem of item {first.id}"
        yield Finding(
            practice.file if gives_away else second.file,
            subject.item_line(practice if gives_away else second),
            "duplicate-stem",
            Severity.ERROR if gives_away else Severity.WARNING,
            message,
        )


def answer_positions(subject: LintSubject) -> Iterator[Finding]:
    """Warn: in one file, single-choice keys crowd into one option position."""
    by_file: dict[str, list[tuple[int, int]]] = {}
    for entry in subject.items:
        item = entry.item
        if item["type"] == "single_choice":
            ids = [str(option["id"]) for option in item["options"]]
            by_file.setdefault(entry.file, []).append((ids.index(item["answer"]), len(ids)))
    for rel, keys in sorted(by_file.items()):
        if len(keys) < 5:
            continue
        counts = Counter(position for position, _ in keys)
        position, count = counts.most_common(1)[0]
        expected = sum(1 / n for _, n in keys)
        # Twice the share chance gives, and most of the items: a pattern a learner can learn.
        if count >= 2 * expected and count > len(keys) / 2:
            yield Finding(
                rel,
                1,
                "answer-position",
                Severity.WARNING,
                f"{count} of {len(keys)} single-choice keys are option {position + 1}; "
                "spread keys over the positions",
            )


def longest_option_key(subject: LintSubject) -> Iterator[Finding]:
    """Warn: the key is clearly the longest option, a cue test-wise learners use."""
    for entry in subject.items:
        item = entry.item
        if item["type"] != "single_choice" or len(item["options"]) < 3:
            continue
        lengths = {str(o["id"]): len(str(o["text"])) for o in item["options"]}
        key = lengths.pop(str(item["answer"]))
        if key >= LONGEST_MARGIN * max(lengths.values()) and key - max(lengths.values()) >= 10:
            yield Finding(
                entry.file,
                subject.item_line(entry),
                "longest-option",
                Severity.WARNING,
                f"item {entry.id}: the key is much the longest option; lengthen the "
                "distractors or shorten the key",
            )


def negative_stem(subject: LintSubject) -> Iterator[Finding]:
    """Warn: NOT/EXCEPT in the question itself without bold or capitals."""
    for entry in subject.items:
        prompt = str(entry.item["prompt"]).strip()
        # Only the question sentence: "not" elsewhere in a scenario is ordinary prose.
        question = re.split(r"(?<=[.!?])\s+", prompt)[-1]
        negatives = NEGATIVE.findall(question)
        if negatives and len(EMPHASISED.findall(question)) < len(negatives):
            yield Finding(
                entry.file,
                subject.item_line(entry),
                "negative-stem",
                Severity.WARNING,
                f"item {entry.id}: put the negative word in bold or capitals "
                f"(**{negatives[0].upper()}**) so it cannot be missed",
            )


def _plain(text: str) -> str:
    return re.sub(r"['’]", "", text.lower())


def _mentions(text: str, term: str) -> bool:
    # "Access control list (ACL)": the term is used when either name is.
    names = [re.sub(r"\(.*?\)", "", term), *re.findall(r"\((.*?)\)", term)]
    for name in names:
        words = [re.escape(w) for w in re.findall(r"\w+", _plain(name))]
        # Plurals count as a use ("joists" uses "joist"); - and / join compound terms.
        pattern = r"\b" + r"[\s/-]+".join(words) + r"(s|es)?\b"
        if words and re.search(pattern, _plain(text)):
            return True
    return False


def unused_keywords(subject: LintSubject) -> Iterator[Finding]:
    """Warn: a keyword the lesson never uses, so learners meet it only in the list."""
    for skill_id, rel in _lessons(subject):
        toml = f"skills/{skill_id}/skill.toml"
        skill = next(s for s in subject.manifest["skills"] if s["id"] == skill_id)
        for keyword in skill["keywords"]:
            term = str(keyword["term"])
            if not _mentions(subject.text(rel), term):
                yield Finding(
                    toml,
                    subject.line_of(toml, f'term = "{term}"'),
                    "unused-keyword",
                    Severity.WARNING,
                    f"keyword {term!r} never appears in {rel}; use it there or drop it",
                )


def _anchor(heading: str) -> str:
    """The anchor a heading gets: lower case, punctuation dropped, spaces to hyphens."""
    plain = re.sub(r"[^\w\s-]", "", heading.lower().replace("*", ""))
    return re.sub(r"\s", "-", plain.strip())


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def dead_links(subject: LintSubject) -> Iterator[Finding]:
    """Error: a link inside the pack that goes nowhere (a file or heading that is not there)."""
    for skill_id, rel in _lessons(subject):
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
    sources = [(rel, subject.text(rel)) for _, rel in _lessons(subject)]
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


def bank_depth(subject: LintSubject) -> Iterator[Finding]:
    """Error: an earnable pack's bank is too shallow for retakes to draw fresh forms.

    Forms avoid the learner's previous form (mcdesk.exam.forms), so a pool of three times
    the drawn count lets two attempts in a row share nothing and three show every item;
    issue 17 also asks for at least 12 items a skill.
    """
    assessment = subject.manifest.get("assessment")
    if subject.manifest["preview"] or assessment is None:
        return
    counts = Counter(str(e.item["skill"]) for e in subject.items if e.sealed)
    for skill_id, wanted in assessment["items_per_skill"].items():
        rel = f"skills/{skill_id}/assessment.toml"
        have = counts.get(str(skill_id), 0)
        needed = max(MIN_BANK_ITEMS, RETAKE_DEPTH * int(wanted))
        if have < needed:
            yield Finding(
                rel,
                1,
                "bank-depth",
                Severity.ERROR,
                f"{have} assessment items for {skill_id}; an earnable pack needs at least "
                f"{needed} a skill (12, and {RETAKE_DEPTH}x the {wanted} drawn) so a retake "
                "draws items the learner did not just see",
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
    for _, rel in _lessons(subject):
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


RULES: tuple[Rule, ...] = (
    reading_level,
    missing_rationale,
    duplicate_stems,
    answer_positions,
    longest_option_key,
    negative_stem,
    unused_keywords,
    dead_links,
    missing_alt_text,
    table_headers,
    bank_depth,
)
