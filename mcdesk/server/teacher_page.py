"""The server's teacher page: a teacher signs in and reads the next codes of their stations.

Each request carries the username and password (a form POST, no session or cookie), so
app processes stay stateless. Wrong passwords are throttled per name by mcdesk.throttle
in the database, whichever worker answers: each try is counted before its password is
checked; after five wrong ones in a row, a wait of 30 s that doubles with each further
wrong one (at most an hour). A name as typed costs at most one small row, keyed by a hash
of the name, and rows idle for a day are dropped. Codes are shown by number, as the
station asks for them ("#12"); the page is never cached.
"""

from __future__ import annotations

import hashlib
import html
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mcdesk.passwords import hash_secret, verify_secret
from mcdesk.server.issuer import CodeListing, IssuerError, next_codes
from mcdesk.server.models import School, Station, Teacher
from mcdesk.server.schools import MAX_NAME_CHARS
from mcdesk.throttle import AlchemyStatements, forget, forget_idle, take_try, wall_reading

THROTTLE_TABLE = "teacher_throttle"
# Far longer than the longest wait (an hour), so no row goes while it holds a name back.
IDLE_ROWS_KEPT = timedelta(days=1)
CODES_SHOWN = 10
# Checked when the username is unknown, so a wrong name costs what a wrong password does.
_DUMMY_HASH: list[str] = []


class SignInRefused(Exception):
    """Wrong name or password, or too many tries: the words go back to the page."""

    def __init__(self, reason: str, *, wait: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_secret("not a password anyone has"))
    return _DUMMY_HASH[0]


def throttle_subject(username: str) -> str:
    """The throttle row of a name as typed: SHA-256 of it normalised (NFKC, trimmed, casefolded)."""
    name = unicodedata.normalize("NFKC", username).strip().casefold()
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def sign_in(session: Session, *, username: str, password: str, now: datetime) -> Teacher:
    """The teacher, or SignInRefused; every try is counted before it is checked."""
    if len(username.strip()) > MAX_NAME_CHARS:
        # No teacher has such a name (schools.py refuses them), so no row is kept for it.
        raise SignInRefused(
            f"A teacher name is at most {MAX_NAME_CHARS} characters. Check it and try again."
        )
    subject = throttle_subject(username)
    turn = take_try(
        AlchemyStatements(session.connection()),
        table=THROTTLE_TABLE,
        subject=subject,
        reading=wall_reading(now),
        now=now,
    )
    session.commit()  # counted before the password is checked, and the row let go
    forget_idle(
        AlchemyStatements(session.connection()), table=THROTTLE_TABLE, before=now - IDLE_ROWS_KEPT
    )
    session.commit()
    if not turn.checked:
        raise SignInRefused(
            f"Too many wrong passwords: try again in {turn.wait_seconds} s.", wait=True
        )
    name = username.strip().lower()
    teacher = session.exec(select(Teacher).where(col(Teacher.username) == name)).first()
    stored = teacher.password_hash if teacher is not None else None
    if teacher is not None and stored and verify_secret(password, stored):
        forget(AlchemyStatements(session.connection()), table=THROTTLE_TABLE, subject=subject)
        return teacher
    if stored is None:
        verify_secret(password, _dummy_hash())
    raise SignInRefused("That name and password do not match. Check them and try again.")


@dataclass(frozen=True, slots=True)
class TeacherCodes:
    teacher: str
    school: str
    listings: list[CodeListing]
    waiting: list[str]  # stations the server does not issue codes for yet


def codes_for(session: Session, teacher: Teacher) -> TeacherCodes:
    """The next codes of every station of the teacher's school that is not revoked."""
    school = session.get(School, teacher.school_id)
    stations = session.exec(
        select(Station)
        .where(col(Station.school_id) == teacher.school_id, col(Station.revoked_at).is_(None))
        .order_by(col(Station.name))
    ).all()
    listings, waiting = [], []
    for station in stations:
        try:
            listings.append(next_codes(session, station=station, count=CODES_SHOWN))
        except IssuerError:
            waiting.append(station.name)
    return TeacherCodes(
        teacher.display_name, "" if school is None else school.name, listings, waiting
    )


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1b1f24}label{display:block;margin-top:.8rem}"
    "input{font-size:1.1rem;padding:.4rem;width:100%;max-width:22rem}"
    "button{margin-top:1rem;font-size:1.1rem;padding:.5rem 1.2rem}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.3rem 1rem;"
    "border-bottom:1px solid #ccd;text-align:left}.code{font:1.3rem monospace;letter-spacing:.1em}"
    ".problem{color:#9b1c1c;font-weight:600}"
)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def sign_in_page(problem: str = "") -> str:
    note = f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else ""
    return _page(
        "Unlock codes for your stations",
        f"{note}<p>Sign in with your teacher name and password to see the next codes of "
        "your school's stations. Keep them from learners: each works once, on one station."
        '</p><form method="post" action="teacher">'
        '<label for="u">Teacher name</label>'
        '<input id="u" name="username" autocomplete="username" required autofocus>'
        '<label for="p">Password</label>'
        '<input id="p" name="password" type="password" autocomplete="current-password" '
        "required><button>Show my codes</button></form>",
    )


def codes_page(codes: TeacherCodes) -> str:
    parts = [
        f"<p>{html.escape(codes.teacher)}, {html.escape(codes.school)}. The station asks "
        "for a code by its number: read out the code with that number. Leave this page "
        "when you are done; it is not kept.</p>"
    ]
    if not codes.listings and not codes.waiting:
        parts.append("<p>No stations are enrolled for your school yet.</p>")
    for listing in codes.listings:
        rows = "".join(
            f'<tr><td>#{counter}</td><td class="code">{code[:4]} {code[4:]}</td></tr>'
            for counter, code in listing.codes
        )
        parts.append(
            f"<h2>{html.escape(listing.station.name)}</h2>"
            f"<table><tr><th>Number</th><th>Code</th></tr>{rows}</table>"
        )
    for name in codes.waiting:
        parts.append(
            f"<h2>{html.escape(name)}</h2><p>No codes from the server yet: the station gets "
            "them when it next syncs.</p>"
        )
    return _page("Unlock codes", "".join(parts))
