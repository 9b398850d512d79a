"""Reads for a class's Manage pages: its grants, its learners with their accommodations.

Every function takes a class the viewer may see (``ClassInReach``); a learner or grant
id from a form or a path is looked up within that class only, so another class's
learner is refused in the same words as one that does not exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from mcdesk.server.grants import ALL_PACKS
from mcdesk.server.models import Accommodation, Grant, Learner, PublishedPack, SchoolClass
from mcdesk.server.times import as_utc
from mcdesk.server.web.access import NotAllowed


@dataclass(frozen=True, slots=True)
class ClassGrant:
    id: str
    pack: str  # its title and id, or "every micro-credential"
    to: str  # "the whole class" or the learner's name
    opens_at: datetime | None
    closes_at: datetime | None


@dataclass(frozen=True, slots=True)
class LearnerLine:
    id: str
    name: str
    multiplier: float | None


@dataclass(frozen=True, slots=True)
class PackChoice:
    id: str
    title: str


def learner_in(session: Session, *, school_class: SchoolClass, learner_id: str) -> Learner:
    """A learner of this class, or NotAllowed (an unknown id gets the same words)."""
    learner = session.get(Learner, learner_id.strip()) if learner_id.strip() else None
    if learner is None or learner.class_id != school_class.id:
        raise NotAllowed("That learner is not on this class, or does not exist.")
    return learner


def learners_of(session: Session, *, school_class: SchoolClass) -> list[LearnerLine]:
    """The class's learners by name, with the time multiplier each has (if any)."""
    rows = session.exec(
        select(Learner, Accommodation.time_multiplier)
        .join(Accommodation, col(Accommodation.learner_id) == col(Learner.id), isouter=True)
        .where(col(Learner.class_id) == school_class.id)
        .order_by(col(Learner.display_name))
    ).all()
    return [LearnerLine(id=lr.id, name=lr.display_name, multiplier=m) for lr, m in rows]


def published_packs(session: Session) -> list[PackChoice]:
    """Every micro-credential published on this server, by title (its newest manifest)."""
    newest: dict[str, PublishedPack] = {}
    for row in session.exec(select(PublishedPack)):
        if row.pack_id not in newest or row.published_at > newest[row.pack_id].published_at:
            newest[row.pack_id] = row
    choices = [
        PackChoice(id=pack_id, title=str(json.loads(row.manifest).get("title", pack_id)))
        for pack_id, row in newest.items()
    ]
    return sorted(choices, key=lambda c: (c.title.casefold(), c.id))


def _class_grants_query(session: Session, school_class: SchoolClass) -> list[Grant]:
    learner_ids = select(Learner.id).where(col(Learner.class_id) == school_class.id)
    return list(
        session.exec(
            select(Grant)
            .where(
                or_(col(Grant.class_id) == school_class.id, col(Grant.learner_id).in_(learner_ids))
            )
            .order_by(col(Grant.created_at), col(Grant.id))
        )
    )


def grants_of(session: Session, *, school_class: SchoolClass) -> list[ClassGrant]:
    """The grants of the class and of its learners, oldest first."""
    titles = {p.id: p.title for p in published_packs(session)}
    names = {lr.id: lr.name for lr in learners_of(session, school_class=school_class)}
    found = []
    for grant in _class_grants_query(session, school_class):
        if grant.pack_id == ALL_PACKS:
            pack = "Every micro-credential"
        else:
            pack = titles.get(grant.pack_id, grant.pack_id)
        to = "The whole class" if grant.learner_id is None else names.get(grant.learner_id, "")
        found.append(
            ClassGrant(
                id=grant.id,
                pack=pack,
                to=to,
                opens_at=as_utc(grant.opens_at),
                closes_at=as_utc(grant.closes_at),
            )
        )
    return found


def grant_in(session: Session, *, school_class: SchoolClass, grant_id: str) -> Grant:
    """A grant of this class or one of its learners, or NotAllowed."""
    grant = session.get(Grant, grant_id)
    if grant is None or grant.id not in {g.id for g in _class_grants_query(session, school_class)}:
        raise NotAllowed("That grant is not one of this class's, or it does not exist.")
    return grant
