"""Whether a result counts: its learner is on the station's school roster and holds a grant.

A station's key proves which station sent a result, not that the learner it names is
one of that school's learners or was ever given the assessment. A result that fails
these checks is still stored (it is evidence) but flagged and withheld: it never counts
and never earns a badge. ``counts`` is the one predicate for "this result counts"; the
administrator's report uses it, and badge issuing must use ``earns_badge``, built on it.

The grant's dates are not compared with the attempt: the station's clock is not trusted
and a result may reach the server days after the grant closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from mcdesk.server.examlog import Finding
from mcdesk.server.grants import ALL_PACKS
from mcdesk.server.models import Grant, Learner, Result, SchoolClass

UNKNOWN_LEARNER = "unknown_learner"
OTHER_SCHOOL = "other_school"
NOT_GRANTED = "not_granted"


def counts() -> ColumnElement[bool]:
    """The one predicate for a result that counts (reports, badges): nothing withheld it."""
    return col(Result.withheld).is_(None)


def earns_badge() -> ColumnElement[bool]:
    """A result that counts, re-scored by the server, and passed on the server's score."""
    return and_(counts(), col(Result.rescored).is_(True), col(Result.passed).is_(True))


@dataclass(frozen=True, slots=True)
class Standings:
    """What the server knows of the learners a batch of results names (two queries)."""

    school_id: str | None
    school_of: dict[str, tuple[str, str]]  # learner id -> (class id, school id)
    granted: set[tuple[str, str]]  # (learner id or "class:" + class id, pack id)

    def check(self, *, result_id: str, learner_id: str, pack_id: str) -> Finding | None:
        """Why this result must not count, or None when it may."""
        where = self.school_of.get(learner_id)
        if where is None:
            return Finding(
                UNKNOWN_LEARNER,
                f"result {result_id} names learner {learner_id!r}, who is on no roster of this "
                "server; kept, does not count",
            )
        class_id, school_id = where
        if school_id != self.school_id:
            station_school = "no school" if self.school_id is None else "another school"
            return Finding(
                OTHER_SCHOOL,
                f"result {result_id} is for learner {learner_id!r} of another school than the "
                f"station's ({station_school}); kept, does not count",
            )
        holders = (learner_id, f"class:{class_id}")
        if not any((who, pack) in self.granted for who in holders for pack in (pack_id, ALL_PACKS)):
            return Finding(
                NOT_GRANTED,
                f"result {result_id} is for {pack_id}, which learner {learner_id!r} was never "
                "granted; kept, does not count",
            )
        return None


def load_standings(
    session: Session, *, school_id: str | None, learner_ids: Iterable[str]
) -> Standings:
    """The schools and grants of these learners, as the database holds them now."""
    wanted = sorted(set(learner_ids))
    school_of: dict[str, tuple[str, str]] = {}
    if wanted:
        rows = session.exec(
            select(Learner.id, Learner.class_id, SchoolClass.school_id)
            .join(SchoolClass, col(Learner.class_id) == col(SchoolClass.id))
            .where(col(Learner.id).in_(wanted))
        )
        school_of = {str(lid): (str(cid), str(sid)) for lid, cid, sid in rows}
    granted: set[tuple[str, str]] = set()
    classes = sorted({cid for cid, sid in school_of.values() if sid == school_id})
    if school_id is not None and school_of:
        rows_granted = session.exec(
            select(Grant.learner_id, Grant.class_id, Grant.pack_id).where(
                col(Grant.school_id) == school_id,
                or_(col(Grant.learner_id).in_(list(school_of)), col(Grant.class_id).in_(classes)),
            )
        )
        for learner_id, class_id, pack_id in rows_granted:
            who = learner_id if learner_id is not None else f"class:{class_id}"
            granted.add((str(who), str(pack_id)))
    return Standings(school_id=school_id, school_of=school_of, granted=granted)
