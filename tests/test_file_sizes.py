"""No module under mcdesk/ grows past ~400 lines unless its top says why (issue 12).

A long file usually holds more than one job; split off a piece with one job into its
own module. Where a file truly is one job, a ``# long because:`` comment in its first
lines says so, and a reader sees the reason before the length.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mcdesk"
MAX_LINES = 400
NOTE = "# long because:"
NOTE_WITHIN = 5  # lines from the top


def too_long(root: Path) -> list[str]:
    """Every module over MAX_LINES without the note near its top, as paths under root."""
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) <= MAX_LINES:
            continue
        if not any(line.startswith(NOTE) for line in lines[:NOTE_WITHIN]):
            found.append(f"{name}: {len(lines)} lines")
    return found


def test_no_module_is_long_without_saying_why() -> None:
    assert too_long(PACKAGE) == []


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ("", ["big.py: 401 lines"]),
        ("# long because: one state machine\n", []),
        ('"""Docstring."""\n' * 5 + "# long because: too far down\n", ["big.py: 401 lines"]),
    ],
)
def test_the_check_finds_a_long_module_without_its_note(
    tmp_path: Path, top: str, expected: list[str]
) -> None:
    (tmp_path / "small.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    (tmp_path / "big.py").write_text(
        top + "x = 1\n" * (MAX_LINES + 1 - top.count("\n")), encoding="utf-8"
    )
    assert too_long(tmp_path) == expected
