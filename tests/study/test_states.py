"""The words and figures every progress screen shares: one definition of each."""

from __future__ import annotations

import pytest

from mcdesk.content.skill_states import (
    STAGE_LABELS,
    STAGE_SYMBOLS,
    is_studied,
    score_text,
    stage_text,
)


@pytest.mark.parametrize(
    ("credit", "items", "text"),
    [(4, 5, "4 of 5"), (3.5, 5, "3.5 of 5"), (5.75, 8, "5.75 of 8"), (0.0, 3, "0 of 3")],
)
def test_one_score_text_for_every_screen(credit: float, items: int, text: str) -> None:
    assert score_text(credit, items) == text


def test_studied_means_finished_reading_or_a_self_check_done() -> None:
    assert is_studied(marked=True, selfcheck_done=False)
    assert is_studied(marked=False, selfcheck_done=True)
    assert not is_studied(marked=False, selfcheck_done=False)


def test_each_stage_has_one_symbol_and_one_label() -> None:
    assert set(STAGE_SYMBOLS) == set(STAGE_LABELS)
    assert stage_text("mastered") == "✔ Self-check mastered"
