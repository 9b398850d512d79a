"""Runs `mcdesk` command lines one after another in this process (``python -m
tests.cli_driver SPEC RESULTS``), each in a fresh copy of a prepared home, and writes
what each one said and how it ended as JSON lines. One process for many cases keeps the
bad-input test fast; each case still meets a process with no standard input."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path


def run(argv: list[str]) -> tuple[object, str, str]:
    """(exit code, stdout, stderr) of one command line; a crash's traceback in stderr."""
    from mcdesk.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: object = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (1 if exc.code else 0)
            if isinstance(exc.code, str):
                err.write(exc.code + "\n")
        except BaseException:  # what the test looks for: anything main() let escape
            err.write(traceback.format_exc())
            code = "crashed"
    return code, out.getvalue(), err.getvalue()


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    template, scratch = Path(spec["template"]), Path(spec["scratch"])
    with open(sys.argv[2], "a", encoding="utf-8") as results:
        for number, argv in spec["cases"]:
            home = scratch / f"case-{number}"
            shutil.copytree(template, home)
            os.environ["MCDESK_HOME"] = str(home)
            os.chdir(home)  # what a case writes by a relative name goes with its home
            results.write(json.dumps({"case": number, "started": True}) + "\n")
            results.flush()  # a case that hangs is then known by its number
            began = time.perf_counter()
            code, out, err = run(argv)
            seconds = round(time.perf_counter() - began, 2)
            ended = {"case": number, "code": code, "out": out, "err": err, "seconds": seconds}
            results.write(json.dumps(ended) + "\n")
            results.flush()
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
