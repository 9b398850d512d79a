"""Flesch-Kincaid grade of a Markdown lesson: prose only, with a vowel-group syllable count."""

from __future__ import annotations

import re

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
# A sentence ends at . ! ? or : followed by space or end; decimals like 1.5 do not match.
SENTENCE_END = re.compile(r"[.!?:](?=\s|$)")
VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e: within one syllable on most English words."""
    lower = word.lower()
    count = len(VOWEL_GROUP.findall(lower))
    if lower.endswith("e") and not lower.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def prose_sentences(markdown: str) -> list[str]:
    """The running text of a lesson, split into sentences; headings, tables, code dropped."""
    text = IMAGE.sub("", FENCE.sub("", markdown))
    text = LINK.sub(r"\1", text)
    sentences: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "|")):
            # A paragraph, heading or table ends a sentence even without a full stop.
            sentences.append("")
            continue
        # A list item is a unit of its own even when it ends without a full stop.
        if re.match(r"^([-*+]|\d+\.)\s", stripped):
            sentences.append("")
            stripped = re.sub(r"^([-*+]|\d+\.)\s+", "", stripped)
        if sentences:
            sentences[-1] += " " + stripped
        else:
            sentences.append(stripped)
        parts = SENTENCE_END.split(sentences[-1])
        sentences[-1:] = parts
    return [s for s in sentences if WORD.search(s)]


def grade_level(markdown: str) -> float | None:
    """Flesch-Kincaid grade of the lesson's prose, or None when it has too little to judge."""
    sentences = prose_sentences(markdown)
    words = [w for s in sentences for w in WORD.findall(s)]
    if len(words) < 30:
        return None
    syllable_count = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllable_count / len(words) - 15.59
