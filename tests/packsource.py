"""Writes small pack source folders for tests (every item type, one figure)."""

from __future__ import annotations

from pathlib import Path

PACK_TOML = """\
schema_version = 1
id = "{pack_id}"
version = "{version}"
title = "{title}"
career_cluster = "Architecture & Construction"
summary = "A small pack for tests."
preview = false
skills = ["measuring", "estimating"]

[assessment]
time_limit_minutes = 20
proficiency_level = 0.7
items_per_skill = 2

[assessment.retake]
requires_review = true
max_attempts_per_day = 2

[[standards]]
framework = "OSHA Construction Industry Regulations"
code = "29 CFR 1926.302"
title = "Power-operated hand tools"
url = "https://www.osha.gov/laws-regs/regulations/standardnumber/1926/1926.302"
skills = ["measuring"]

[[standards]]
framework = "Advance CTE Career Clusters"
code = "AC"
title = "Architecture & Construction <Career Cluster>"
url = "https://careertech.org/career-clusters/"
"""

SKILL_TOML = """\
title = "{title}"
summary = "Learn {title_lower}."

[[keywords]]
term = "Stud"
definition = "A vertical framing member in a wall."

[[keywords]]
term = "Tape measure"
definition = "A flexible ruler that rolls up."

[[links]]
title = "OSHA construction"
url = "https://www.osha.gov/construction"

[[self_check]]
id = "{tag}-sc-1"
type = "single_choice"
prompt = "Which is longer?"
options = [{{ id = "a", text = "1 ft" }}, {{ id = "b", text = "10 in" }}]
answer = "a"
feedback = "A foot is 12 inches."

[[self_check]]
id = "{tag}-sc-2"
type = "true_false"
prompt = "Studs are usually 16 in. on center."
answer = true
feedback = "16 in. on center is the common spacing."
"""

BANK_TOML = """\
[[items]]
id = "{tag}-as-1"
type = "multiple_response"
prompt = "Which are units of length?"
options = [{{ id = "a", text = "foot" }}, {{ id = "b", text = "gallon" }}, {{ id = "c", text = "inch" }}]
answer = ["a", "c"]
feedback = "Gallons measure volume."

[[items]]
id = "{tag}-as-2"
type = "numeric"
prompt = "How many inches in 3 feet?"
answer = 36
tolerance = 0
unit = "in"
feedback = "3 × 12 = 36."

[[items]]
id = "{tag}-as-3"
type = "short_text"
prompt = "Name the tool that rolls up."
accepted = ["tape measure", "tape"]
pattern = "^tape( measure)?$"
feedback = "A tape measure."

[[items]]
id = "{tag}-as-4"
type = "ordering"
prompt = "Order from shortest to longest."
options = [{{ id = "a", text = "yard" }}, {{ id = "b", text = "inch" }}, {{ id = "c", text = "foot" }}]
answer = ["b", "c", "a"]
feedback = "inch < foot < yard."

[[items]]
id = "{tag}-as-5"
type = "matching"
prompt = "Match each unit to its size."
prompts = [{{ id = "p1", text = "foot" }}, {{ id = "p2", text = "yard" }}]
options = [{{ id = "x", text = "12 in" }}, {{ id = "y", text = "36 in" }}, {{ id = "z", text = "48 in" }}]
answer = {{ p1 = "x", p2 = "y" }}
feedback = "A foot is 12 in, a yard 36 in."
"""

LESSON = """\
# {title}

A lesson about {title_lower}, with a table and a figure.

| Unit | Inches |
|---|---|
| foot | 12 |
| yard | 36 |

![A ruler](media/ruler.svg)

Framing crews check every stud with a tape measure before they nail it.
"""

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="20" viewBox="0 0 120 20">'
    '<rect x="0" y="0" width="120" height="20" fill="#fc3"/></svg>\n'
)


def write_source(
    root: Path, *, pack_id: str = "sample-pack", version: str = "1.0.0", title: str = "Sample Pack"
) -> Path:
    """Write a two-skill source folder at ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.toml").write_text(
        PACK_TOML.format(pack_id=pack_id, version=version, title=title), encoding="utf-8"
    )
    for skill_id, title_, tag in (
        ("measuring", "Measuring", "meas"),
        ("estimating", "Estimating", "est"),
    ):
        folder = root / "skills" / skill_id
        (folder / "media").mkdir(parents=True, exist_ok=True)
        fields = {"title": title_, "title_lower": title_.lower(), "tag": tag}
        (folder / "skill.toml").write_text(SKILL_TOML.format(**fields), encoding="utf-8")
        (folder / "assessment.toml").write_text(BANK_TOML.format(**fields), encoding="utf-8")
        (folder / "lesson.md").write_text(LESSON.format(**fields), encoding="utf-8")
        (folder / "media" / "ruler.svg").write_text(SVG, encoding="utf-8")
    return root


# What a deep bank adds per skill: numeric items that each ask something different.
EXTRA_ITEMS = (
    ("How many inches are in one yard?", 36),
    ("A board is 2 ft 6 in long. How many inches is that?", 30),
    ("How many feet are in 48 inches?", 4),
    ("Studs sit 16 in apart. How many gaps fit in a 64 in run?", 4),
    ("A sheet is 4 ft wide. How many inches wide is it?", 48),
    ("Half of a 96 in board is how many inches?", 48),
    ("A wall is 10 ft tall. How many inches tall is it?", 120),
)


def deepen_banks(root: Path) -> Path:
    """Give each skill of the source at ``root`` 12 bank items, as an earnable pack needs."""
    for bank in sorted(root.glob("skills/*/assessment.toml")):
        tag = bank.parent.name[:4]
        extra = "".join(
            f'\n[[items]]\nid = "{tag}-deep-{n}"\ntype = "numeric"\nprompt = "{prompt}"\n'
            f'answer = {answer}\ntolerance = 0\nunit = "in"\n'
            f'feedback = "Work it out in inches: the answer is {answer} for this question."\n'
            for n, (prompt, answer) in enumerate(EXTRA_ITEMS, start=1)
        )
        bank.write_text(bank.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root
