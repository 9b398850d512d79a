from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import mcdesk
from mcdesk.exam.eventlog import verify_log
from mcdesk.exam.states import CodeRequiredError, ExamError, ExamStateError, TimeUpError
from mcdesk.keys import verify_signature
from tests.exam.bank import LEARNER, PACK, VERSION, blueprint, make_bank, right, wrong
from tests.exam.conftest import EngineFactory, FakeMonotonic, begin

BANK = make_bank()
BY_ID = {item["id"]: item for item in BANK}


def _kinds(store: Path) -> list[str]:
    with sqlite3.connect(store) as connection:
        return [row[0] for row in connection.execute("SELECT kind FROM exam_event ORDER BY seq")]


def test_a_whole_attempt_is_scored_signed_stored_and_queued(
    make_engine: EngineFactory, store: Path, station_key: Ed25519PrivateKey, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint())
    shown = [item["id"] for item in engine.form["items"]]
    assert len(shown) == 6
    for n, item_id in enumerate(shown):
        mono.advance(20)
        engine.answer(
            item_id=item_id, response=right(BY_ID[item_id]) if n else wrong(BY_ID[item_id])
        )
    engine.flag(item_id=shown[0], flagged=True)
    result = engine.submit()
    assert engine.state == "scored"
    assert result.score.points == pytest.approx(5)
    assert result.score.max_points == 6
    assert result.passed  # 5/6 ≥ 0.75
    missed = BY_ID[shown[0]]["skill"]
    assert result.score.skills[missed].points == pytest.approx(1)
    assert all(s.points == s.max_points for k, s in result.score.skills.items() if k != missed)
    document = result.document
    assert document["app_version"] == mcdesk.__version__
    assert document["timing"]["elapsed_s"] == pytest.approx(120)
    assert document["timing"]["ended_by"] == "submitted"
    assert document["responses"][shown[0]]["flagged"] is True
    assert verify_signature(station_key.public_key(), result.signature, result.body)
    with sqlite3.connect(store) as connection:
        seq, chain = connection.execute(
            "SELECT seq, hash FROM exam_event WHERE kind = 'submitted'"
        ).fetchone()
        assert (document["event_counter"], document["chain_hash"]) == (seq, chain)
        row = connection.execute(
            "SELECT state, score, max_score, passed, result_id, ended_at FROM attempt WHERE id = ?",
            (attempt_id,),
        ).fetchone()
        assert row[:5] == ("scored", pytest.approx(5), 6, 1, result.id)
        assert row[5] is not None
        (stored,) = connection.execute("SELECT body FROM exam_result").fetchone()
        assert bytes(stored) == result.body
        (body,) = connection.execute(
            "SELECT body FROM outbox WHERE kind = 'exam_result'"
        ).fetchone()
        assert base64.b64decode(json.loads(body)["result"]) == result.body
        assert verify_log(connection, station_key.public_key()) == []
    assert _kinds(store)[-3:] == ["flagged", "submitted", "scored"]
    assert engine.result() is not None


def test_failing_below_the_cut_score(make_engine: EngineFactory) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    shown = [item["id"] for item in engine.form["items"]]
    for item_id in shown[:4]:
        engine.answer(item_id=item_id, response=right(BY_ID[item_id]))
    result = engine.submit()  # 4/6 < 0.75; unanswered items earn nothing
    assert result.score.points == pytest.approx(4)
    assert not result.passed
    assert result.document["score"]["passed"] is False


def test_partial_credit_counts_towards_the_skill(make_engine: EngineFactory) -> None:
    engine = make_engine()
    # Every item drawn, so the form surely holds a multiple-response item.
    everything = dict.fromkeys(("measure", "area", "estimate"), 7)
    begin(engine, bank=BANK, blueprint=blueprint(items_per_skill=everything))
    mr = next(
        i["id"] for i in engine.form["items"] if BY_ID[i["id"]]["type"] == "multiple_response"
    )
    engine.answer(item_id=mr, response=["a"])  # one of two right, none wrong
    result = engine.submit()
    assert result.score.skills[BY_ID[mr]["skill"]].points == pytest.approx(0.5)


def test_states_only_move_along_the_diagram(make_engine: EngineFactory) -> None:
    engine = make_engine()
    attempt_id = engine.create_attempt(
        learner_id=LEARNER, pack_id=PACK, pack_version=VERSION, blueprint=blueprint(), bank=BANK
    )
    with pytest.raises(ExamStateError):
        engine.start()  # ready: needs the start code first
    item_id = engine.form["items"][0]["id"]
    with pytest.raises(ExamStateError):
        engine.answer(item_id=item_id, response="a")
    engine.unlock(attempt_id, action="start", counter=1)
    with pytest.raises(ExamStateError):
        engine.unlock(attempt_id, action="start", counter=2)
    engine.start()
    with pytest.raises(CodeRequiredError):
        engine.pause()
    with pytest.raises(ExamStateError):
        engine.unlock(attempt_id, action="resume", counter=2)  # not paused
    engine.unlock(attempt_id, action="pause", counter=2)
    engine.pause()
    with pytest.raises(ExamStateError):
        engine.submit()
    with pytest.raises(CodeRequiredError):
        engine.resume()
    engine.unlock(attempt_id, action="resume", counter=3)
    engine.resume()
    with pytest.raises(CodeRequiredError):
        engine.pause()  # the pause code was used up
    engine.submit()
    for call in (engine.start, engine.resume, engine.submit):
        with pytest.raises(ExamStateError):
            call()
    with pytest.raises(ExamStateError):
        engine.unlock(attempt_id, action="extend", counter=4)


def test_unknown_items_and_bad_responses_are_refused(make_engine: EngineFactory) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    item_id = engine.form["items"][0]["id"]
    with pytest.raises(ExamError, match="not on this attempt's form"):
        engine.answer(item_id="nope", response="a")
    with pytest.raises(ExamError, match="plain JSON"):
        engine.answer(item_id=item_id, response=float("nan"))
    with pytest.raises(ExamError, match="at most"):
        engine.answer(item_id=item_id, response="x" * 30_000)
    assert engine.answers == {}


def test_time_up_expires_and_scores_on_tick(
    make_engine: EngineFactory, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint(time_limit_minutes=1))
    item_id = engine.form["items"][0]["id"]
    engine.answer(item_id=item_id, response=right(BY_ID[item_id]))
    for _ in range(59):
        mono.advance(1)
        assert engine.tick() == "running"
    mono.advance(1)
    assert engine.remaining_s() == 0
    assert engine.tick() == "scored"
    result = engine.result()
    assert result is not None
    assert result.document["timing"]["ended_by"] == "expired"
    assert result.document["timing"]["elapsed_s"] == 60
    assert result.score.points == 1


def test_an_answer_after_time_is_up_is_refused_and_the_attempt_expires(
    make_engine: EngineFactory, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint(time_limit_minutes=1))
    for _ in range(61):
        mono.advance(1)
        engine.checkpoint()  # checkpoints store time but never end the attempt
    assert engine.state == "running"
    with pytest.raises(TimeUpError):
        engine.answer(item_id=engine.form["items"][0]["id"], response="a")
    assert engine.state == "scored"
    assert engine.answers == {}


def test_extend_adds_time_and_needs_its_code(
    make_engine: EngineFactory, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint(time_limit_minutes=1))
    with pytest.raises(CodeRequiredError):
        engine.extend(minutes=5)
    engine.unlock(attempt_id, action="extend", counter=2)
    with pytest.raises(ExamError):
        engine.extend(minutes=0)
    engine.unlock(attempt_id, action="extend", counter=3)
    engine.extend(minutes=5)
    assert engine.remaining_s() == 360
    for _ in range(35):
        mono.advance(10)
        engine.tick()
    assert engine.state == "running"
    mono.advance(10)
    assert engine.tick() == "scored"


def test_the_accommodation_multiplies_the_time_limit(make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.set_accommodation(learner_id=LEARNER, multiplier=1.5, set_by="t1")
    assert engine.accommodation(learner_id=LEARNER) == 1.5
    begin(engine, bank=BANK, blueprint=blueprint())
    assert engine.remaining_s() == 30 * 60 * 1.5
    with pytest.raises(ExamError, match="between"):
        engine.set_accommodation(learner_id=LEARNER, multiplier=0.5, set_by="t1")
    assert engine.accommodation(learner_id=LEARNER) == 1.5


def test_a_crash_leaves_a_paused_attempt_with_every_answer(
    make_engine: EngineFactory, store: Path, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint())
    shown = [item["id"] for item in engine.form["items"]]
    mono.advance(5)
    engine.answer(item_id=shown[0], response="a")
    engine.flag(item_id=shown[1], flagged=True)
    mono.advance(0.5)
    engine.checkpoint()
    mono.advance(0.7)  # lost with the crash: never checkpointed
    # The process dies: nothing is closed or checkpointed.
    again = make_engine()
    assert again.resume_interrupted(learner_id=LEARNER) == attempt_id
    assert again.state == "paused"
    assert again.answers == {shown[0]: "a"}
    assert again.flagged == {shown[1]}
    assert again.elapsed_s() == pytest.approx(5.5)
    with pytest.raises(ExamStateError, match="bank"):
        again.resume()
    again.open_bank(blueprint=blueprint(), bank=BANK)
    again.unlock(attempt_id, action="resume", counter=2)
    again.resume()
    assert again.remaining_s() == pytest.approx(1800 - 5.5)
    assert "interrupted" in _kinds(store)


def test_one_active_attempt_per_learner_and_pack(make_engine: EngineFactory) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    with pytest.raises(ExamStateError, match="running"):
        engine.create_attempt(
            learner_id=LEARNER, pack_id=PACK, pack_version=VERSION, blueprint=blueprint(), bank=BANK
        )
    other = make_engine()
    with pytest.raises(ExamStateError, match="in progress"):
        other.create_attempt(
            learner_id=LEARNER, pack_id=PACK, pack_version=VERSION, blueprint=blueprint(), bank=BANK
        )


def test_leave_drops_the_bank_and_resuming_needs_it_again(make_engine: EngineFactory) -> None:
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint())
    engine.unlock(attempt_id, action="leave", counter=2)
    engine.leave()
    assert engine.state == "paused"
    assert not engine.bank_open
    engine.unlock(attempt_id, action="resume", counter=3)
    with pytest.raises(ExamStateError, match="bank"):
        engine.resume()


def test_incidents_are_logged_and_queued(make_engine: EngineFactory, store: Path) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    engine.incident(kind="focus_lost", detail="another window took focus")
    result = engine.submit()
    assert [i["kind"] for i in result.document["incidents"]] == ["focus_lost"]
    with sqlite3.connect(store) as connection:
        (body,) = connection.execute(
            "SELECT body FROM outbox WHERE kind = 'exam_incident'"
        ).fetchone()
    assert json.loads(body)["incident"] == "focus_lost"
