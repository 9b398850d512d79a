"""The assessment engine: Qt-free and thread-free; the caller supplies clocks and the bank.

Attempts (a pure state machine over the store):

- ``engine``: ``ExamEngine``, one attempt at a time: create (draw a form), unlock, start,
  answer (durable before it returns), flag, incidents, pause / resume / leave / extend
  (each needs a code), checkpoints and expiry, submit → scored, signed, queued; reload
  after a crash. The timing and suspend rules are in its docstring.
- ``states``: the states, the edges between them and the exam errors.
- ``forms``: drawing items and option orders from the blueprint and the bank.
- ``timer``: ``ExamClock``, elapsed time from a monotonic clock.
- ``ledger`` and ``records``: the attempt's transactions and rows (raw sqlite3).
- ``eventlog``: the station's append-only, hash-chained, signed exam event log.
- ``results``: scoring a form, per-skill subscores, the signed result document.
- ``verify``: checking a result against its rows and the event log.
- ``retake``: the retake rule (attempts per day, review of missed skills).
- ``accommodations``: a teacher-set time multiplier per learner.

Unlock codes and keys: ``codes`` (HOTP codes), ``slots`` (the exam key sealed per code),
``issuer`` (the local code issuer), ``keyring`` (wrapped pack keys, opening a bank) and
``unlock`` (the station side of typing a code).
"""
