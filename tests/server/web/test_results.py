"""Results and item statistics of a class's assessment, from real results re-scored on the
server; the CSV export; the numbers of the statistics themselves."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlmodel import Session, col, select

from mcdesk.server.models import Result
from mcdesk.server.web.item_stats import (
    ScoredAttempt,
    distribution,
    item_statistics,
    pearson,
    skill_pass_rates,
)
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import ADMIN_USER, OTHER_USER
from tests.server.web.http import signed_in
from tests.server.web.reports_lab import GradedClass


@pytest.fixture
def trc(each_trc: TrcServer) -> TrcServer:
    """Every test here runs on SQLite and on PostgreSQL."""
    return each_trc


ITEM_ROW = re.compile(
    r'<td[^>]* class="num">([\d.]+)</td>\s*<td[^>]* class="num">([^<]+)</td>\s*'
    r'<td[^>]* class="num">(\d+)</td></tr>'
)


def item_rows(page: str) -> list[tuple[str, str, int]]:
    """(facility, discrimination, attempts) of each row of the questions table, in order."""
    table = page.split("Questions, hardest first", 1)[1]
    return [(f, d, int(n)) for f, d, n in ITEM_ROW.findall(table)]


def attempt(credits: dict[str, float]) -> ScoredAttempt:
    return ScoredAttempt(credits=credits, skills={k: k[0] for k in credits})


def test_facility_and_discrimination_by_hand() -> None:
    # a1 separates the strong from the weak; b1 everybody got; c1 the weak got, the strong not.
    attempts = [
        attempt({"a1": 1, "b1": 1, "c1": 0, "a2": 1}),
        attempt({"a1": 1, "b1": 1, "c1": 0, "a2": 1}),
        attempt({"a1": 0, "b1": 1, "c1": 1, "a2": 0}),
        attempt({"a1": 0, "b1": 1, "c1": 1, "a2": 0}),
    ]
    stats = {s.item_id: s for s in item_statistics(attempts)}
    assert stats["a1"].facility == 0.5
    assert stats["b1"].facility == 1.0
    # a1 against the rest (b1+c1+a2): rest = 2,2,2,2 → no spread → undefined
    assert stats["a1"].discrimination is None
    # c1 against the rest: credits 0,0,1,1 vs rests 3,3,1,1 → r = -1
    assert stats["c1"].discrimination == pytest.approx(-1.0)
    assert stats["b1"].discrimination is None  # everybody right: no spread
    order = [s.item_id for s in item_statistics(attempts)]
    assert order[-1] == "b1"
    assert set(order[:3]) == {"a1", "c1", "a2"}
    assert pearson([0, 1, 2], [0, 2, 4]) == pytest.approx(1.0)
    assert pearson([1], [1]) is None


def test_skill_pass_rates_and_the_distribution() -> None:
    attempts = [attempt({"a1": 1, "a2": 1, "b1": 0}), attempt({"a1": 1, "a2": 0, "b1": 1})]
    rates = {r.skill: (r.passed, r.attempts) for r in skill_pass_rates(attempts, cut=0.75)}
    assert rates == {"a": (1, 2), "b": (1, 2)}
    assert distribution([0.0, 0.05, 0.5, 0.999, 1.0]) == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]


def test_the_results_page_shows_the_server_score_and_item_statistics(
    trc: TrcServer, graded: GradedClass
) -> None:
    client = signed_in(trc)
    listing = client.get(f"/teacher/classes/{graded.welding_id}/results")
    assert listing.status_code == 200
    assert "sample-pack" in listing.text or "Sample" in listing.text
    page = client.get(f"/teacher/classes/{graded.welding_id}/results/sample-pack")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Ana Ruiz" in text
    assert "Ben Ode" in text
    assert "Questions, hardest first" in text
    assert "Score mismatch" not in text
    assert "Re-scored" in text
    # Ana answered every question right, Ben none. Forms are drawn per attempt: a question
    # both saw has facility 0.50 and separates them perfectly (1.00); one only Ben saw, 0.00.
    rows = item_rows(text)
    assert rows, "no item statistics shown"
    for facility, discrimination, attempts in rows:
        if attempts == 2:
            assert (facility, discrimination) == ("0.50", "1.00")
        else:
            assert (facility, discrimination) in {("0.00", "—"), ("1.00", "—")}
    assert [float(f) for f, _, _ in rows] == sorted(float(f) for f, _, _ in rows)  # hardest first


def test_a_station_score_that_differs_is_flagged_and_the_server_score_shown(
    trc: TrcServer, graded: GradedClass
) -> None:
    with Session(trc.server.engine) as session:
        row = session.exec(select(Result).where(col(Result.id) == graded.ben_result)).one()
        server_points = row.server_points
        row.station_points = row.max_points  # the station claimed full marks
        session.add(row)
        session.commit()
    page = signed_in(trc).get(f"/teacher/classes/{graded.welding_id}/results/sample-pack").text
    assert "Score mismatch: the station said" in page
    assert f"{server_points:g} of" in page


def test_the_results_csv(trc: TrcServer, graded: GradedClass) -> None:
    answer = signed_in(trc).get(
        f"/teacher/classes/{graded.welding_id}/results/sample-pack/results.csv"
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert sorted(r["learner"] for r in rows) == ["Ana Ruiz", "Ben Ode"]
    assert {r["result"] for r in rows} == {"pass", "not yet"}
    assert all(r["received_at"][:4].isdigit() and "T" in r["received_at"] for r in rows)


def test_another_teacher_and_the_admin(trc: TrcServer, graded: GradedClass) -> None:
    path = f"/teacher/classes/{graded.welding_id}/results/sample-pack"
    for suffix in ("", "/results.csv"):
        refused = signed_in(trc, OTHER_USER).get(path + suffix)
        assert refused.status_code == 403
        assert "Ana Ruiz" not in refused.text
    assert "Ana Ruiz" in signed_in(trc, ADMIN_USER).get(path).text
