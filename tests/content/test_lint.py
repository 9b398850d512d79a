"""`pack lint`: each rule fires on the problem it names, at the right file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcdesk.content.lint import Finding, Severity, lint_source
from tests.content.lintsource import replace_in, write_clean_source

SKILL = "skills/framing/skill.toml"
BANK = "skills/framing/assessment.toml"
LESSON = "skills/framing/lesson.md"


@pytest.fixture
def src(tmp_path: Path) -> Path:
    return write_clean_source(tmp_path / "src")


def _only(src: Path, rule: str) -> list[Finding]:
    return [f for f in lint_source(src).findings if f.rule == rule]


def test_the_clean_source_has_no_findings_and_a_grade(src: Path) -> None:
    report = lint_source(src)
    assert report.findings == []
    grade = report.grades[LESSON]
    assert grade is not None
    assert 2 < grade < 10


def test_a_hard_lesson_is_a_reading_level_warning(src: Path) -> None:
    hard = (
        "Notwithstanding organisational considerations, contemporaneous "
        "institutionalisation of interdisciplinary methodological frameworks "
        "necessitates comprehensive reconsideration. " * 6
    )
    replace_in(src / LESSON, "Check each mark twice.", hard)
    [finding] = _only(src, "reading-level")
    assert finding.severity is Severity.WARNING
    assert finding.file == LESSON
    assert "grade" in finding.message


def test_feedback_that_only_says_correct_is_an_error(src: Path) -> None:
    replace_in(
        src / BANK,
        'feedback = "Sixteen inches on center lets 4 ft sheets land on a stud at each edge."',
        'feedback = "Correct!"',
    )
    [finding] = _only(src, "missing-rationale")
    assert (finding.file, finding.line, finding.severity) == (BANK, 2, Severity.ERROR)
    assert "fr-as-1" in finding.message


def test_a_self_check_that_gives_away_a_bank_item_is_an_error(src: Path) -> None:
    replace_in(
        src / SKILL,
        "Which board stands upright in a wall?",
        "How many inches apart are studs usually set, center to center?",
    )
    replace_in(src / SKILL, 'options = [\n  { id = "a", text = "A stud" },', "options = [")
    replace_in(src / SKILL, '  { id = "b", text = "A joist" },\n', "")
    replace_in(src / SKILL, '  { id = "c", text = "A rafter" },\n]\nanswer = "a"', "]\nanswer = 16")
    replace_in(src / SKILL, 'type = "single_choice"', 'type = "numeric"')
    [finding] = _only(src, "duplicate-stem")
    assert (finding.file, finding.line, finding.severity) == (SKILL, 9, Severity.ERROR)
    assert "fr-sc-1" in finding.message
    assert "fr-as-1" in finding.message


def test_two_self_checks_alike_are_a_warning(src: Path) -> None:
    with (src / SKILL).open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[self_check]]\nid = "fr-sc-2"\ntype = "single_choice"\n'
            'prompt = "Which board stands upright in a wall?"\n'
            'options = [{ id = "a", text = "A stud" }, { id = "b", text = "A joist" },'
            ' { id = "c", text = "A rafter" }]\nanswer = "b"\n'
            'feedback = "Studs stand upright; joists and rafters do not."\n'
        )
    [finding] = _only(src, "duplicate-stem")
    assert finding.severity is Severity.WARNING
    assert finding.line == 21


def _add_choice_items(src: Path, answers: list[str]) -> None:
    with (src / SKILL).open("a", encoding="utf-8") as handle:
        for n, answer in enumerate(answers, start=2):
            handle.write(
                f'\n[[self_check]]\nid = "fr-sc-{n}"\ntype = "single_choice"\n'
                f'prompt = "Question number {n} about part {n * 7} of the frame?"\n'
                f'options = [{{ id = "a", text = "Plate {n}" }},'
                f' {{ id = "b", text = "Header {n}" }},'
                f' {{ id = "c", text = "Sill {n}" }}]\nanswer = "{answer}"\n'
                'feedback = "Each part of a frame has one job in the wall."\n'
            )


def test_keys_crowded_in_one_position_are_a_warning(src: Path) -> None:
    _add_choice_items(src, ["a", "a", "a", "a", "b"])
    [finding] = _only(src, "answer-position")
    assert finding.severity is Severity.WARNING
    assert "5 of 6" in finding.message


def test_keys_spread_over_positions_pass(src: Path) -> None:
    _add_choice_items(src, ["b", "c", "a", "b", "c"])
    assert _only(src, "answer-position") == []


def test_a_key_much_longer_than_its_distractors_is_a_warning(src: Path) -> None:
    replace_in(
        src / SKILL,
        '{ id = "a", text = "A stud" }',
        '{ id = "a", text = "A stud, the upright board set between the plates" }',
    )
    [finding] = _only(src, "longest-option")
    assert (finding.file, finding.line, finding.severity) == (SKILL, 9, Severity.WARNING)


@pytest.mark.parametrize(
    ("stem", "fires"),
    [
        ("Which board is not part of a wall?", True),
        ("All of these are wall parts EXCEPT which?", False),
        ("Which board is **not** part of a wall?", False),
        ("If you do not know, guess. Which board stands upright?", False),
    ],
)
def test_negative_stems_need_emphasis(src: Path, stem: str, fires: bool) -> None:
    replace_in(src / SKILL, "Which board stands upright in a wall?", stem)
    assert bool(_only(src, "negative-stem")) is fires


def test_a_keyword_the_lesson_never_uses_is_a_warning(src: Path) -> None:
    with (src / SKILL).open("a", encoding="utf-8") as handle:
        handle.write('\n[[keywords]]\nterm = "Cripple stud"\ndefinition = "A short stud."\n')
    replace_in(src / SKILL, 'term = "Stud"', 'term = "Stud (upright)"')
    [finding] = _only(src, "unused-keyword")
    assert finding.severity is Severity.WARNING
    assert "Cripple stud" in finding.message
    assert finding.line == (src / SKILL).read_text().splitlines().index('term = "Cripple stud"') + 1


def test_dead_internal_links_are_errors_and_web_links_are_not_followed(src: Path) -> None:
    replace_in(
        src / LESSON,
        "Check each mark twice.",
        "See [the table](#no-such-heading), [notes](notes.md) and [OSHA](https://osha.gov).",
    )
    findings = _only(src, "dead-link")
    assert [(f.line, f.severity) for f in findings] == [(11, Severity.ERROR)] * 2
    assert "#no-such-heading" in findings[0].message
    assert "notes.md does not exist" in findings[1].message


def test_a_figure_without_alt_text_is_an_error(src: Path) -> None:
    replace_in(src / LESSON, "![A wall frame with studs between two plates]", "![]")
    [finding] = _only(src, "missing-alt")
    assert (finding.file, finding.line, finding.severity) == (LESSON, 13, Severity.ERROR)


def test_an_unbuildable_source_is_one_error_naming_the_file(src: Path) -> None:
    (src / SKILL).write_text("title = ", encoding="utf-8")
    [finding] = lint_source(src).findings
    assert finding.rule == "source"
    assert "skill.toml" in finding.message


def _lint_cli(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcdesk", "pack", "lint", str(src)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_exits_1_on_errors_and_0_on_warnings(src: Path) -> None:
    clean = _lint_cli(src)
    assert clean.returncode == 0, clean.stderr
    assert f"{LESSON}: reading level grade" in clean.stdout
    replace_in(src / LESSON, "![A wall frame with studs between two plates]", "![]")
    broken = _lint_cli(src)
    assert broken.returncode == 1
    assert f"{LESSON}:13: error [missing-alt]" in broken.stdout
    assert "1 error(s), 0 warning(s)" in broken.stdout


def test_the_catalog_build_refuses_a_pack_with_lint_errors_and_writes_nothing(
    tmp_path: Path, publisher_key: Path
) -> None:
    from mcdesk.content.bundled import build_bundled_catalog
    from mcdesk.content.errors import SourceError

    root = tmp_path / "src"
    write_clean_source(root / "lint-pack")
    replace_in(root / "lint-pack" / LESSON, "![A wall frame with studs between two plates]", "![]")
    out = tmp_path / "packs"
    out.mkdir()
    with pytest.raises(SourceError, match=r"lint-pack/skills/framing/lesson.md:13: error"):
        build_bundled_catalog(
            root, out, publisher_key=publisher_key, pack_keys_dir=tmp_path / "packkeys"
        )
    assert list(out.iterdir()) == []
    assert not (tmp_path / "packkeys").exists()


def test_the_bundled_catalog_lints_without_errors() -> None:
    sources = Path(__file__).resolve().parents[2] / "content_cache" / "src"
    errors = [str(e) for pack in sorted(sources.iterdir()) for e in lint_source(pack).errors]
    assert errors == []


TABLE = "| Board | Where it goes |\n|---|---|\n| Stud | Upright |\n| Plate | Top and bottom |\n"


@pytest.mark.parametrize(
    ("table", "line", "reason"),
    [
        (TABLE, None, None),
        ("| | Upright | Flat |\n|---|---|---|\n| Stud | yes | no |\n", None, None),  # a corner
        ("```\n| not | a table |\n| in | a fence |\n```\n", None, None),
        ("| Stud | Upright |\n| Plate | Top and bottom |\n", 13, "has no header row"),
        ("| Stud | Upright |\n", 13, "has no header row"),
        ("| Board | |\n|---|---|\n| Stud | Upright |\n", 13, "has an empty header cell"),
        ("| | |\n|---|---|\n| Stud | Upright |\n", 13, "has an empty header cell"),
        (
            "<table><tr><td>Stud</td><td>Upright</td></tr></table>\n",
            13,
            "HTML table has no <th>",
        ),
    ],
)
def test_a_table_needs_a_header_row(
    src: Path, table: str, line: int | None, reason: str | None
) -> None:
    replace_in(src / LESSON, "Check each mark twice.\n", f"Check each mark twice.\n\n{table}")
    findings = _only(src, "table-header")
    if reason is None:
        assert findings == []
        return
    [finding] = findings
    assert (finding.file, finding.line, finding.severity) == (LESSON, line, Severity.ERROR)
    assert reason in finding.message


def _bank_items(src: Path) -> int:
    return (src / BANK).read_text(encoding="utf-8").count("[[items]]")


def test_an_earnable_pack_needs_12_bank_items_a_skill(src: Path) -> None:
    assert _bank_items(src) == 12
    assert _only(src, "bank-depth") == []
    text = (src / BANK).read_text(encoding="utf-8")
    (src / BANK).write_text(text[: text.rindex("\n[[items]]")] + "\n", encoding="utf-8")
    [finding] = _only(src, "bank-depth")
    assert (finding.file, finding.line, finding.severity) == (BANK, 1, Severity.ERROR)
    assert "11 assessment items for framing" in finding.message
    assert "at least 12" in finding.message


def test_a_form_may_draw_at_most_a_third_of_a_skills_bank(src: Path) -> None:
    replace_in(src / "pack.toml", "items_per_skill = 1", "items_per_skill = 4")
    assert _only(src, "bank-depth") == []
    replace_in(src / "pack.toml", "items_per_skill = 4", "items_per_skill = 5")
    [finding] = _only(src, "bank-depth")
    assert "at least 15 a skill" in finding.message
    assert "3x the 5 drawn" in finding.message


def test_a_preview_pack_has_no_bank_to_deepen(src: Path) -> None:
    text = (src / "pack.toml").read_text(encoding="utf-8")
    (src / "pack.toml").write_text(
        text[: text.index("[assessment]")].replace("preview = false", "preview = true"),
        encoding="utf-8",
    )
    (src / BANK).unlink()
    assert _only(src, "bank-depth") == []
