"""A learner's reading preferences: text size and high contrast, kept per learner."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from mcdesk.store.tables import LearnerPrefs

TEXT_SCALES = (100, 125, 150, 175, 200)


@dataclass(frozen=True, slots=True)
class ReadingPrefs:
    text_scale: int = 100
    high_contrast: bool = False


def load_prefs(engine: Engine, *, learner_id: str) -> ReadingPrefs:
    with Session(engine) as session:
        row = session.get(LearnerPrefs, learner_id)
        if row is None:
            return ReadingPrefs()
        return ReadingPrefs(text_scale=row.text_scale, high_contrast=row.high_contrast)


def save_prefs(engine: Engine, *, learner_id: str, prefs: ReadingPrefs) -> None:
    if prefs.text_scale not in TEXT_SCALES:
        raise ValueError(f"text size must be one of {TEXT_SCALES}")
    with Session(engine) as session:
        row = session.get(LearnerPrefs, learner_id) or LearnerPrefs(learner_id=learner_id)
        row.text_scale, row.high_contrast = prefs.text_scale, prefs.high_contrast
        session.add(row)
        session.commit()
