"""Scoring a result again on the server, from its responses, with the server's pack keys.

The station's score is a claim; the server's is the one that counts. It opens the pack's
sealed bank with the key it keeps (mcdesk admin publish), scores the signed form and
responses with the same scorer the station uses, and takes the cut score from the
published manifest rather than from the result.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.content.sealing import PackKey, SealError, bank_aad, unseal
from mcdesk.errors import McdeskError
from mcdesk.protocol.attempt_score import AttemptScore, score_form
from mcdesk.protocol.items.parsed import ParsedItem, parse_bank
from mcdesk.server.issuing import issue_if_earned
from mcdesk.server.models import ContentBlob, Event, Flag, PublishedPack, Result, ServerPackKey

# Scores are sums of fractions; a difference below this is rounding, not a mismatch.
SCORE_TOLERANCE = 1e-6


# Opened banks by (database, pack id, version): a published version never changes (publish refuses
# same-version edits), so each worker opens a bank once, not once per result. The answer
# keys stay in this process's memory, which reads the pack keys anyway.
MAX_CACHED_BANKS = 64
_BANKS: dict[tuple[str, str, str], tuple[dict[str, ParsedItem], float]] = {}


class CannotRescore(McdeskError):
    """The server lacks what it needs to score this result; the message says what."""


def _bank(session: Session, pack: PublishedPack) -> tuple[dict[str, ParsedItem], float]:
    """The opened bank by item id, parsed, and the cut score; cached per published version."""
    manifest = json.loads(pack.manifest)
    assessment = manifest.get("assessment") or {}
    bank_entry = assessment.get("bank")
    if not bank_entry:
        raise CannotRescore(f"{pack.pack_id} {pack.version} has no assessment")
    key_row = session.get(ServerPackKey, (pack.pack_id, bank_entry["key_id"]))
    if key_row is None:
        raise CannotRescore(f"the server has no key for {pack.pack_id}")
    sha = next((f["sha256"] for f in manifest["files"] if f["path"] == bank_entry["path"]), None)
    blob = None if sha is None else session.get(ContentBlob, sha)
    if blob is None:
        raise CannotRescore(f"the sealed bank of {pack.pack_id} {pack.version} is not stored")
    try:
        plain = unseal(
            blob.data,
            pack_key=PackKey(pack_id=pack.pack_id, key=key_row.key),
            aad=bank_aad(pack.pack_id, pack.version),
        )
    except SealError as exc:
        raise CannotRescore(f"the bank of {pack.pack_id} does not open: {exc}") from exc
    try:
        bank = parse_bank(json.loads(plain)["items"])  # once per published version
    except (KeyError, TypeError, ValueError) as exc:
        raise CannotRescore(
            f"the bank of {pack.pack_id} holds an item without a key: {exc!r}"
        ) from exc
    return bank, float(assessment["proficiency_level"])


def _open_bank(session: Session, wanted: tuple[str, str]) -> tuple[dict[str, ParsedItem], float]:
    pack = session.get(PublishedPack, wanted)
    if pack is None:
        raise CannotRescore(f"{wanted[0]} {wanted[1]} is not published on this server")
    opened = _bank(session, pack)
    if len(_BANKS) >= MAX_CACHED_BANKS:
        _BANKS.pop(next(iter(_BANKS)))
    _BANKS[(_database(session), *wanted)] = opened
    return opened


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def opened_bank(
    session: Session, *, pack_id: str, version: str
) -> tuple[dict[str, ParsedItem], float]:
    """A published version's bank by item id and its cut score (cached), or CannotRescore."""
    wanted = (pack_id, version)
    opened = _BANKS.get((_database(session), *wanted))
    return _open_bank(session, wanted) if opened is None else opened


def rescore(session: Session, result: dict[str, Any]) -> AttemptScore:
    """The server's score of a verified result document, or CannotRescore."""
    bank, level = opened_bank(
        session, pack_id=str(result["pack_id"]), version=str(result["pack_version"])
    )
    try:
        form = result["form"]
        missing = [str(shown["id"]) for shown in form["items"] if shown["id"] not in bank]
        if missing:
            raise CannotRescore(
                f"the form names items the bank does not hold: {', '.join(missing)}"
            )
        responses = {item: answer.get("response") for item, answer in result["responses"].items()}
        return score_form(form=form, bank=bank, responses=responses, proficiency_level=level)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # Signed by the station, but not a form and responses the scorer can read: the
        # result is kept unscored (the report lists it) and so earns no badge.
        raise CannotRescore(f"the result's form or responses cannot be scored: {exc!r}") from None


def differs(station_points: float, server: AttemptScore) -> bool:
    return abs(station_points - server.points) > SCORE_TOLERANCE


def rescore_pending(session: Session, *, now: datetime) -> tuple[int, int]:
    """Re-score stored results the server could not score on arrival (e.g. published since).

    Returns (re-scored, mismatches); each mismatch is flagged, and a result that now counts
    gets its badge (mcdesk.server.issuing). The caller commits.
    """
    done = mismatches = 0
    pending = session.exec(select(Result).where(col(Result.rescored).is_(False))).all()
    for row in pending:
        event = session.get(Event, (row.station_id, row.event_id))
        if event is None:
            continue
        document = json.loads(base64.b64decode(json.loads(event.body)["result"]))
        try:
            score = rescore(session, document)
        except CannotRescore:
            continue
        row.server_points, row.rescored, row.passed = score.points, True, score.passed
        session.add(row)
        done += 1
        if differs(row.station_points, score):
            mismatches += 1
            session.add(
                Flag(
                    station_id=row.station_id,
                    event_id=row.event_id,
                    kind="score_mismatch",
                    detail=(
                        f"result {row.id}: the station scored {row.station_points:g}, the "
                        f"server {score.points:g} of {score.max_points:g}; the server's "
                        "score counts"
                    ),
                    created_at=now,
                )
            )
        issue_if_earned(session, result=row, document=document, score=score, now=now)
    return done, mismatches
