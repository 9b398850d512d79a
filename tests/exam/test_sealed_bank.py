"""The item bank (prompts, options, keys, feedback) never reaches the disk in plaintext."""

from __future__ import annotations

from pathlib import Path

from tests.exam.bank import blueprint, make_bank, right, secrets_of, wrong
from tests.exam.conftest import EngineFactory, FakeMonotonic, begin

BANK = make_bank()
BY_ID = {item["id"]: item for item in BANK}


def _files(store: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in store.parent.iterdir()
        if p.name.startswith(store.name) and p.is_file()
    }


def test_no_prompt_option_feedback_or_free_text_key_is_written(
    make_engine: EngineFactory, store: Path, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint(items_per_skill=7))
    for n, shown in enumerate(engine.form["items"]):
        item = BY_ID[shown["id"]]
        mono.advance(3)
        # Free-text keys answered right would be the learner's own words on disk.
        keyed = item["type"] in ("numeric", "short_text")
        engine.answer(item_id=item["id"], response=wrong(item) if keyed or n % 2 else right(item))
        engine.flag(item_id=item["id"], flagged=n % 3 == 0)
        engine.checkpoint()
    engine.incident(kind="focus_lost", detail="alt-tab")
    engine.unlock(attempt_id, action="pause", counter=2)
    engine.pause()
    engine.unlock(attempt_id, action="resume", counter=3)
    engine.resume()
    engine.submit()
    files = _files(store)  # read before closing, so the WAL still holds every page
    engine.close()
    files |= {f"{name} (closed)": data for name, data in _files(store).items()}
    assert any(name.endswith("-wal") for name in files)
    needles = {text for item in BANK for text in secrets_of(item)}
    needles |= {"marmalade", "periwinkle", "albatross", "lighthouse", "quokkaword"}
    for name, data in files.items():
        for needle in needles:
            for encoded in (needle.encode("utf-8"), needle.encode("utf-16-le")):
                assert encoded not in data, f"{needle!r} found in {name}"
        for key in (b'"prompt"', b'"feedback"', b'"answer"', b'"accepted"', b'"tolerance"'):
            assert key not in data, f"{key!r} found in {name}"
