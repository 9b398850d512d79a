"""The administrator's report: what each station sent, and what a person should look at."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from mcdesk.protocol.streams import EventKind
from mcdesk.server.models import Event, Flag, Result, Station
from mcdesk.server.standing import NOT_GRANTED, OTHER_SCHOOL, UNKNOWN_LEARNER, counts

FLAG_WORDS = {
    "conflict": "an event was sent again with other content (the first copy was kept)",
    "chain_gap": "exam-log entries are missing: they were deleted on the station",
    "chain_fork": "the exam log was rewritten or restored from an older copy",
    "bad_signature": "a result or log entry was not signed by the station's key (refused)",
    "score_mismatch": "the station's score differs from the server's (the server's counts)",
    UNKNOWN_LEARNER: "a result names a learner on no roster here (kept, does not count)",
    OTHER_SCHOOL: "a result is for a learner of another school (kept, does not count)",
    NOT_GRANTED: "a result is for a pack the learner was not granted (kept, does not count)",
    "allowance_used_twice": "a teacher's allowance was used on two stations (both attempts kept)",
    "allowance_mismatch": "a station used an allowance the server does not hold for that learner",
}


@dataclass(frozen=True, slots=True)
class StationLine:
    id: str
    name: str
    revoked: bool
    events: int
    results: int
    last_received: datetime | None
    not_counting: int = 0  # results kept but withheld (mcdesk.server.standing.counts)


@dataclass(frozen=True, slots=True)
class KioskDay:
    day: str
    visits: int
    clusters_viewed: int
    tastes: int
    points: float
    out_of: int


@dataclass(slots=True)
class Report:
    stations: list[StationLine] = field(default_factory=list)
    flags: list[tuple[Flag, str]] = field(default_factory=list)  # (flag, station name)
    not_rescored: list[tuple[str, str, int]] = field(default_factory=list)  # pack, version, n
    kiosk_days: list[KioskDay] = field(default_factory=list)  # all stations, by day


def build_report(session: Session) -> Report:
    report = Report()
    names: dict[str, str] = {}
    for station in session.exec(select(Station).order_by(col(Station.name))):
        names[station.id] = station.name
        events, last = session.exec(
            select(func.count(), func.max(Event.received_at)).where(
                col(Event.station_id) == station.id
            )
        ).one()
        results, counting = session.exec(
            select(func.count(), func.count().filter(counts())).where(
                col(Result.station_id) == station.id
            )
        ).one()
        report.stations.append(
            StationLine(
                station.id,
                station.name,
                station.revoked_at is not None,
                events,
                results,
                last,
                results - counting,
            )
        )
    for flag in session.exec(select(Flag).order_by(col(Flag.created_at), col(Flag.id))):
        report.flags.append((flag, names.get(flag.station_id, flag.station_id)))
    rows = session.exec(
        select(Result.pack_id, Result.pack_version, func.count())
        .where(col(Result.rescored).is_(False))
        .group_by(col(Result.pack_id), col(Result.pack_version))
        .order_by(col(Result.pack_id), col(Result.pack_version))
    ).all()
    report.not_rescored = [(pack, version, count) for pack, version, count in rows]
    report.kiosk_days = kiosk_days(session)
    return report


def kiosk_days(session: Session) -> list[KioskDay]:
    """Kiosk totals per day over all stations (each station's newest total for the day)."""
    newest: dict[tuple[str, str], KioskDay] = {}
    rows = session.exec(
        select(Event.station_id, Event.body)
        .where(col(Event.kind) == EventKind.KIOSK_DAY)
        .order_by(col(Event.seq))
    )
    for station_id, body in rows:
        try:
            raw = json.loads(body)
            line = KioskDay(
                day=str(raw["day"])[:10],
                visits=int(raw["visits"]),
                clusters_viewed=int(raw["clusters_viewed"]),
                tastes=int(raw["tastes"]),
                points=float(raw["points"]),
                out_of=int(raw["out_of"]),
            )
        except (ValueError, KeyError, TypeError):
            continue  # a malformed tally is left out of the report, not fatal to it
        newest[(station_id, line.day)] = line  # in seq order: the last is the running total
    days: dict[str, KioskDay] = {}
    for line in newest.values():
        was = days.get(line.day, KioskDay(line.day, 0, 0, 0, 0.0, 0))
        days[line.day] = KioskDay(
            line.day,
            was.visits + line.visits,
            was.clusters_viewed + line.clusters_viewed,
            was.tastes + line.tastes,
            was.points + line.points,
            was.out_of + line.out_of,
        )
    return [days[day] for day in sorted(days)]


def render(report: Report) -> str:
    lines = ["Stations:"]
    if not report.stations:
        lines.append("  none yet: make an enrolment token or a provisioning file")
    for s in report.stations:
        last = "never" if s.last_received is None else s.last_received.strftime("%Y-%m-%d %H:%M")
        state = " (revoked)" if s.revoked else ""
        withheld = f" ({s.not_counting} do not count)" if s.not_counting else ""
        lines.append(
            f"  {s.name}{state}: {s.events} events, {s.results} results{withheld}, "
            f"last received {last}"
        )
    lines.append("")
    if report.flags:
        lines.append(f"To look at ({len(report.flags)}):")
        for flag, station in report.flags:
            when = flag.created_at.strftime("%Y-%m-%d %H:%M")
            words = FLAG_WORDS.get(flag.kind, flag.kind)
            lines.append(f"  {when} {station}: {flag.kind} — {words}")
            lines.append(f"      {flag.detail}")
    else:
        lines.append("Nothing to look at: every signature and exam-log chain checked out.")
    if report.not_rescored:
        lines.append("")
        lines.append("Results kept with the station's score (the server holds no key to re-score):")
        for pack, version, count in report.not_rescored:
            lines.append(
                f"  {pack} {version}: {count} — publish it with its pack key "
                "(mcdesk admin publish) to re-score new results"
            )
    if report.kiosk_days:
        lines.append("")
        lines.append("Career-day kiosks (anonymous):")
        for k in report.kiosk_days:
            average = "—" if k.out_of == 0 else f"{k.points / k.out_of:.0%}"
            lines.append(
                f"  {k.day}: {k.visits} visits, {k.clusters_viewed} clusters viewed, "
                f"{k.tastes} tastes taken, average score {average}"
            )
    return "\n".join(lines)
