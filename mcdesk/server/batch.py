"""Writing a push batch's new events in a handful of statements (the ingest fast path).

Everything an event carries (exam-log entries, a result) is checked first, in memory,
against the station's chain as one query finds it; then events, log entries, results and
receipts go in with one multi-row insert each, inside a savepoint. If another request
stored one of these events meanwhile, the savepoint fails as a whole and the caller
stores the batch event by event instead (mcdesk.server.push), which sorts out the race.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlmodel import Session

from mcdesk.protocol.allowances import AllowanceUse
from mcdesk.protocol.attempt_score import AttemptScore
from mcdesk.protocol.canonical import canonical_json
from mcdesk.server.bulk import insert_rows, table_of
from mcdesk.server.examlog import ChainState, Finding, load_state, plan_chunk
from mcdesk.server.models import Event, ExamLogEntry, PushedEvent, Receipt, Station
from mcdesk.server.models import Result as ResultRow
from mcdesk.server.rescore import CannotRescore, differs, rescore
from mcdesk.server.signer import ServerSigner
from mcdesk.server.standing import Standings, load_standings


@dataclass(slots=True)
class NewResult:
    """A verified result's ``result`` row before it is stored: a plain record (an ORM
    instance costs ~90 µs to build, for a row that is inserted with the batch's others)."""

    id: str
    attempt_id: str
    learner_id: str
    pack_id: str
    pack_version: str
    chain_hash: str
    station_id: str
    event_id: str
    station_points: float
    max_points: float
    passed: bool
    event_counter: int
    received_at: datetime
    server_points: float | None = None
    rescored: bool = False
    withheld: str | None = None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _RESULT_COLUMNS}

    def stored(self) -> ResultRow:
        """The row as the ORM reads it back (for issuing a badge, which is rare)."""
        return ResultRow(**self.row())

    def may_earn_badge(self) -> bool:
        """What ``standing.earns_badge`` asks of the stored row, asked of this one."""
        return self.withheld is None and self.rescored and self.passed


_RESULT_COLUMNS = tuple(f.name for f in fields(NewResult))


@dataclass(frozen=True, slots=True)
class NewReceipt:
    """A receipt signed for a new event, as inserted and as answered."""

    event_id: str
    body: bytes
    signature: bytes


@dataclass(slots=True)
class Carried:
    """What an event carries beside itself: exam-log entries, a result or an allowance's
    use (mcdesk.server.allowance_use), and findings."""

    log_entries: list[Any] = field(default_factory=list)
    result: NewResult | None = None
    result_document: dict[str, Any] | None = None
    score: AttemptScore | None = None  # the server's re-score, when it could make one
    allowance_use: AllowanceUse | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewEvent:
    pushed: PushedEvent
    body: bytes
    carried: Carried


def make_receipt(
    *, station_id: str, pushed: PushedEvent, signer: ServerSigner, now: datetime
) -> NewReceipt:
    body = canonical_json(
        {
            "event_id": pushed.id,
            "station_id": station_id,
            "body_sha256": pushed.body_sha256.lower(),
            "seq": pushed.seq,
            "received_at": now.isoformat().replace("+00:00", "Z"),
            "server_key_id": signer.key_id,
        }
    )
    return NewReceipt(event_id=pushed.id, body=body, signature=signer.sign(body))


def score_result(session: Session, carried: Carried) -> None:
    """Score the result again (the server's score counts); a difference is a finding."""
    row, document = carried.result, carried.result_document
    assert row is not None
    assert document is not None
    try:
        score = rescore(session, document)
    except CannotRescore:
        return  # kept with the station's score; the admin report lists these (rescored False)
    row.server_points, row.rescored, row.passed = score.points, True, score.passed
    carried.score = score
    if differs(row.station_points, score):
        carried.findings.append(
            Finding(
                "score_mismatch",
                f"result {row.id}: the station scored {row.station_points:g}, the server "
                f"{score.points:g} of {score.max_points:g}; the server's score counts",
            )
        )


def event_row(station_id: str, item: NewEvent, now: datetime) -> dict[str, Any]:
    findings = item.carried.findings
    return {
        "station_id": station_id,
        "event_id": item.pushed.id,
        "seq": item.pushed.seq,
        "kind": item.pushed.kind,
        "body": item.body,
        "body_sha256": item.pushed.body_sha256.lower(),
        "received_at": now,
        "flagged": findings[0].kind if findings else None,
    }


def plan_carried(
    session: Session, state: ChainState, standings: Standings, station_id: str, item: NewEvent
) -> list[Any]:
    """Check what one event carries against the chain so far; the log rows it adds."""
    carried = item.carried
    rows: list[Any] = []
    if carried.log_entries:
        rows, found = plan_chunk(state, station_id=station_id, entries=carried.log_entries)
        carried.findings += found
    if carried.result is not None:
        # First, so the event's one ``flagged`` kind says the result does not count.
        withheld = standings.check(
            result_id=carried.result.id,
            learner_id=carried.result.learner_id,
            pack_id=carried.result.pack_id,
        )
        carried.result.withheld = None if withheld is None else withheld.kind
        if withheld is not None:
            carried.findings.append(withheld)
        anchor = state.anchor(
            event_counter=carried.result.event_counter, chain_hash=carried.result.chain_hash
        )
        if anchor is not None:
            carried.findings.append(anchor)
        score_result(session, carried)
    return rows


def write_batch(
    session: Session,
    *,
    station_id: str,
    items: list[NewEvent],
    signer: ServerSigner,
    now: datetime,
) -> list[NewReceipt]:
    """Insert every item with its receipt; IntegrityError (nothing written) on any clash.

    The caller wraps this in a savepoint and falls back to event-by-event on failure.
    """
    seqs = [entry.seq for item in items for entry in item.carried.log_entries]
    seqs += [item.carried.result.event_counter for item in items if item.carried.result]
    state = load_state(session, station_id=station_id, seqs=seqs)
    learners = [item.carried.result.learner_id for item in items if item.carried.result]
    station = session.get(Station, station_id) if learners else None  # no query without results
    standings = load_standings(
        session, school_id=None if station is None else station.school_id, learner_ids=learners
    )
    log_rows: list[Any] = []
    for item in items:
        log_rows += plan_carried(session, state, standings, station_id, item)
    receipts = [
        make_receipt(station_id=station_id, pushed=item.pushed, signer=signer, now=now)
        for item in items
    ]
    insert_rows(session, table_of(ExamLogEntry), log_rows)
    insert_rows(session, table_of(Event), [event_row(station_id, item, now) for item in items])
    results = [item.carried.result.row() for item in items if item.carried.result]
    insert_rows(session, table_of(ResultRow), results)
    insert_rows(
        session,
        table_of(Receipt),
        [
            {
                "station_id": station_id,
                "event_id": r.event_id,
                "body": r.body,
                "signature": r.signature,
            }
            for r in receipts
        ],
    )
    return receipts
