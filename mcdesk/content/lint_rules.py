"""The lint rules, one function each; ``RULES`` is the order they run in."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from mcdesk.content.lint import Finding, LintItem, LintSubject, Rule, Severity
from mcdesk.content.lint_markdown import dead_links, lessons, missing_alt_text, table_headers
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
WORD = re.compile(r"[a-z0-9]+")
# Issue 17: every skill of an earnable pack has at least 12 assessment items, and its
# pool holds three times what a form draws (see bank_depth).
MIN_BANK_ITEMS = 12
RETAKE_DEPTH = 3


def lesson_grades(subject: LintSubject) -> dict[str, float | None]:
    """The Flesch-Kincaid grade of each lesson, by its path (worked out once)."""
    if subject.grades is None:
        subject.grades = {rel: grade_level(subject.text(rel)) for _, rel in lessons(subject)}
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
    for skill_id, rel in lessons(subject):
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
