"""A one-skill pack source that lints clean, for tests to spoil one rule at a time."""

from __future__ import annotations

from pathlib import Path

PACK = """\
schema_version = 1
id = "lint-pack"
version = "1.0.0"
title = "Lint Pack"
career_cluster = "Architecture & Construction"
summary = "A pack that lints clean."
preview = false
skills = ["framing"]

[assessment]
time_limit_minutes = 20
proficiency_level = 0.7
items_per_skill = 1
"""

SKILL = """\
title = "Framing"
summary = "Know the parts of a wall."

[[keywords]]
term = "Stud"
definition = "A vertical framing member in a wall."

[[self_check]]
id = "fr-sc-1"
type = "single_choice"
prompt = "Which board stands upright in a wall?"
options = [
  { id = "a", text = "A stud" },
  { id = "b", text = "A joist" },
  { id = "c", text = "A rafter" },
]
answer = "a"
feedback = "Studs stand upright between the plates; joists and rafters lie flat or sloped."
"""

BANK = """\
[[items]]
id = "fr-as-1"
type = "numeric"
prompt = "How many inches apart are studs usually set, center to center?"
answer = 16
tolerance = 0
unit = "in"
feedback = "Sixteen inches on center lets 4 ft sheets land on a stud at each edge."
"""

# Eleven more bank items, each asking something different: with fr-as-1, the 12 a skill
# an earnable pack needs (the bank-depth rule).
MORE_BANK = [
    ("How many inches are in one foot?", 12),
    ("A wall is 8 feet tall. How tall is it in inches?", 96),
    ("What is the usual thickness in inches of a 2x4 after drying and planing?", 1.5),
    ("How many studs stand in a 4 foot section when a stud sits at each end of it?", 4),
    ("Plates run along the top and the bottom. How many plates hold one plain wall?", 2),
    ("What width in feet do most sheets of plywood come in?", 4),
    ("A header spans a 36 inch door. How many inches of span is that in feet?", 3),
    ("Two top plates are doubled. How many boards make the top of the wall?", 2),
    ("What length in feet is a common precut stud rounded to?", 8),
    ("Jack studs hold up a header. How many jacks sit under each end?", 1),
    ("A corner needs three studs. How many corners does a square room have?", 4),
]
MORE_BANK_TOML = "".join(
    f'\n[[items]]\nid = "fr-as-{n}"\ntype = "numeric"\nprompt = "{prompt}"\nanswer = {answer}\n'
    f'feedback = "The lesson works this out: the answer is {answer} for this frame part."\n'
    for n, (prompt, answer) in enumerate(MORE_BANK, start=2)
)

LESSON = """\
# Framing

A wall frame is made of upright boards called studs. Each stud stands between a
bottom plate and a top plate. Builders usually set studs sixteen inches apart, center
to center, so that every sheet of plywood lands on a stud at its edges. See
[spacing](#stud-spacing) below.

## Stud spacing

Measure from the center of one stud to the center of the next one. Mark each place
on both plates before you nail the studs in place. Check each mark twice.

![A wall frame with studs between two plates](media/wall.svg)
"""

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'


def write_clean_source(root: Path) -> Path:
    """Write the source folder at ``root`` and return it."""
    skill = root / "skills" / "framing"
    (skill / "media").mkdir(parents=True)
    (root / "pack.toml").write_text(PACK, encoding="utf-8")
    (skill / "skill.toml").write_text(SKILL, encoding="utf-8")
    (skill / "assessment.toml").write_text(BANK + MORE_BANK_TOML, encoding="utf-8")
    (skill / "lesson.md").write_text(LESSON, encoding="utf-8")
    (skill / "media" / "wall.svg").write_text(SVG, encoding="utf-8")
    return root


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit one file of the source; the old text must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
