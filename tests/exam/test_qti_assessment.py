"""A QTI package, imported, built, signed, installed, unsealed and sat as an assessment."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.content.build import build_pack
from mcdesk.content.install import import_pack
from mcdesk.content.lint import lint_source
from mcdesk.content.qti.folder import import_qti
from mcdesk.content.sealing import read_pack_key
from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.keyring import open_bank
from mcdesk.exam.unlock import UnlockDesk
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.station import ensure_station_key
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from tests.conftest import NOW
from tests.content.qtipackages import every_interaction, item, write_package
from tests.exam.conftest import FakeMonotonic, FakeWall
from tests.exam.stations import new_station, set_up_keys, teacher_issuer

LEARNER = "learner-qti"
PRACTICE = {
    "practice.xml": item(
        "Practice",
        '<choiceInteraction responseIdentifier="R" maxChoices="1"><prompt>Which tool drives '
        "nails into framing?</prompt>"
        '<simpleChoice identifier="A">A framing hammer</simpleChoice>'
        '<simpleChoice identifier="B">A chalk line</simpleChoice>'
        '<simpleChoice identifier="C">A speed square</simpleChoice></choiceInteraction>',
        '<responseDeclaration identifier="R" cardinality="single" baseType="identifier">'
        "<correctResponse><value>A</value></correctResponse></responseDeclaration>",
        feedback="A hammer drives nails; a chalk line marks and a square checks angles.",
    )
}


def _right(shown: dict[str, Any]) -> Any:
    if shown["type"] == "numeric":
        return str(shown["answer"])
    if shown["type"] == "short_text":
        return shown["answer"]["accepted"][0].upper()
    return copy.deepcopy(shown["answer"])


def test_a_qti_package_runs_and_scores_as_an_assessment_on_a_station(
    home: Paths, publisher_key: Path, trusted: dict[str, PublisherKey], tmp_path: Path
) -> None:
    src = tmp_path / "qti-pack"
    new = {
        "pack_id": "qti-pack",
        "title": "Framing Units",
        "cluster": "Architecture & Construction",
    }
    import_qti(write_package(tmp_path / "p.zip", PRACTICE), folder=src, self_check=True, **new)
    bank_zip = write_package(tmp_path / "b.zip", every_interaction(), version="3.0")
    assert len(import_qti(bank_zip, folder=src, self_check=False).report.items) == 7
    pack_toml = src / "pack.toml"  # the author sets the blueprint: every item, every time
    pack_toml.write_text(
        pack_toml.read_text().replace("items_per_skill = 1", "items_per_skill = 7")
    )
    # Seven items drawn whole run fine on a station; only issue 17's retake rule (12 a skill,
    # three times the draw) keeps such a pack from being earnable.
    assert [e.rule for e in lint_source(src).errors] == ["bank-depth"]

    built = build_pack(src, tmp_path / "out" / "qti-pack.mcpack", publisher_key=publisher_key)
    assert built.pack_key_file is not None
    database = new_station(home)
    ensure_station_key(home.ensure().station_key)
    with opened(database) as connection:
        connection.execute(
            "INSERT INTO school_class (id, school_id, teacher_id, name)"
            " VALUES ('c1', 'school-1', 'teacher-rivera', 'Lab')"
        )
        connection.execute(
            "INSERT INTO learner (id, class_id, display_name, pin_hash)"
            f" VALUES ('{LEARNER}', 'c1', 'Ada', 'x')"
        )
    store = make_engine(database)
    import_pack(built.output, engine=store, trusted=trusted, now=NOW)
    store.dispose()
    set_up_keys(database, slots=4, pack_keys=[read_pack_key(built.pack_key_file)])

    desk = UnlockDesk(database).try_code(teacher_issuer(database).code(1), action="start", now=NOW)
    assert desk.exam_key is not None
    with opened(database, read_only=True) as connection:
        bank = open_bank(connection, pack_id="qti-pack", version="0.1.0", exam_key=desk.exam_key)
    assert sorted(i["type"] for i in bank) == sorted(
        [
            "single_choice",
            "multiple_response",
            "short_text",
            "numeric",
            "ordering",
            "matching",
            "matching",
        ]
    )
    with zipfile.ZipFile(built.output) as archive:
        blueprint = json.loads(archive.read("pack.json"))["assessment"]

    engine = ExamEngine(
        database=database,
        station_key=Ed25519PrivateKey.generate(),
        monotonic=FakeMonotonic(),
        wall=FakeWall(),
    )
    try:
        attempt = engine.create_attempt(
            learner_id=LEARNER,
            pack_id="qti-pack",
            pack_version="0.1.0",
            blueprint=blueprint,
            bank=bank,
        )
        engine.unlock(attempt, action="start", counter=1)
        engine.start()
        by_id = {i["id"]: i for i in bank}
        shown = [by_id[entry["id"]] for entry in engine.form["items"]]
        assert len(shown) == 7
        for bank_item in shown:
            # One wrong answer: 6 of 7 is above the 0.7 cut score.
            response = "999" if bank_item["type"] == "numeric" else _right(bank_item)
            engine.answer(item_id=bank_item["id"], response=response)
        result = engine.submit()
    finally:
        engine.close()
    assert (result.score.points, result.score.max_points) == (6, 7)
    assert result.passed
