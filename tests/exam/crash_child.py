"""A scripted exam for the crash test: answers and checkpoints until it is killed.

Run as ``python -m tests.exam.crash_child DATABASE KEY_FILE ATTEMPT_ID RUN``. Prints one
line per step, flushed, only after the step is durable:

- ``ready`` once the attempt runs again;
- ``try ITEM RESPONSE`` before an answer is saved (it may or may not survive a kill);
- ``ack ITEM RESPONSE ELAPSED`` after ``answer()`` returned (it must survive);
- ``cp ELAPSED`` after ``checkpoint()`` returned.

RESPONSE is JSON without spaces; ELAPSED is the engine's elapsed seconds at that moment.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from mcdesk.exam.engine import ExamEngine
from mcdesk.keys import read_private_key
from tests.exam.bank import blueprint, make_bank

BLUEPRINT = blueprint(time_limit_minutes=60, items_per_skill=3)
BANK = make_bank()


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    database, key_file, attempt_id, run = sys.argv[1:5]
    engine = ExamEngine(database=Path(database), station_key=read_private_key(Path(key_file)))
    state = engine.load(attempt_id, blueprint=BLUEPRINT, bank=BANK)
    if state == "paused":
        engine.unlock(attempt_id, action="resume", counter=1000 + int(run))
        engine.resume()
    items = [item["id"] for item in engine.form["items"]]
    rng = random.Random(int(run))
    say("ready")
    for n in range(1_000_000):
        item_id = rng.choice(items)
        response = json.dumps(f"run{run}-{n}")
        say(f"try {item_id} {response}")
        engine.answer(item_id=item_id, response=json.loads(response))
        say(f"ack {item_id} {response} {engine.elapsed_s():.6f}")
        time.sleep(rng.uniform(0, 0.004))
        say(f"cp {engine.checkpoint():.6f}")


if __name__ == "__main__":
    main()
