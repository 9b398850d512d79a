"""The printable code sheet: a real PDF (QPdfWriter, offscreen) read back with pdftotext."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from mcdesk.__main__ import main
from mcdesk.demo import DEMO_TEACHER_PASSWORD
from mcdesk.paths import Paths
from mcdesk.ui.code_sheet import write_code_sheet

DEMO = ("--station", "Demo station", "--user", "teacher", "--password-stdin")


def pdf_text(path: Path) -> str:
    """The PDF's text, spaces collapsed (poppler-utils; scripts/install-system-deps.sh)."""
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"[ \t]+", " ", result.stdout)


def test_the_sheet_lists_every_code_with_its_number(qapp: QApplication, tmp_path: Path) -> None:
    codes = [(n, f"{n:08d}"[::-1]) for n in range(7, 57)]  # 50 codes: more than one page
    sheet = tmp_path / "sheet.pdf"
    write_code_sheet(
        sheet,
        station_name="Lab 3, seat 12",
        school="Riverside CTE Center",
        codes=codes,
        printed_at=datetime(2026, 11, 22, 9, 30, tzinfo=UTC),
    )
    assert sheet.read_bytes().startswith(b"%PDF")
    text = pdf_text(sheet)
    assert "Unlock codes — Lab 3, seat 12" in text
    assert "Riverside CTE Center · printed 2026-11-22 09:30 UTC" in text
    assert "Keep this sheet locked away" in text
    for counter, code in codes:
        assert f"#{counter} {code[:4]} {code[4:]}" in text
    assert "Page 2 of 2" in text


def test_teacher_code_sheet_writes_the_codes_teacher_codes_prints(
    home: Paths,
    qapp: QApplication,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{DEMO_TEACHER_PASSWORD}\n"))
    assert main(["teacher", "codes", *DEMO, "--from", "3", "--count", "5"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 5

    sheet = tmp_path / "codes.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{DEMO_TEACHER_PASSWORD}\n"))
    code = main(["teacher", "code-sheet", *DEMO, "--from", "3", "--count", "5", "-o", str(sheet)])
    out = capsys.readouterr().out
    assert code == 0
    assert out == f"wrote {sheet}: codes #3–#7 for Demo station\n"
    assert sheet.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(sheet)
    assert "Unlock codes — Demo station" in text
    assert "Riverside CTE Center (demo)" in text
    for line in listed:  # "#3  1234 5678"
        assert re.sub(r" +", " ", line) in text


def test_a_wrong_password_writes_no_sheet(
    home: Paths,
    qapp: QApplication,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sheet = tmp_path / "codes.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO("not-the-password\n"))
    assert main(["teacher", "code-sheet", *DEMO, "-o", str(sheet)]) == 1
    assert "refused: That password is not right." in capsys.readouterr().err
    assert not sheet.exists()


HEADLESS_RUN = """
import sys
from mcdesk.exam import issuer
from mcdesk.protocol.slots import FAST_TEST_PARAMS
from mcdesk import startup
issuer.ISSUER_PARAMS = startup.FIRST_RUN_SCRYPT = FAST_TEST_PARAMS  # as tests/conftest.py does
from mcdesk.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_command_makes_its_own_offscreen_application_without_a_display(
    home: Paths, tmp_path: Path
) -> None:
    sheet = tmp_path / "codes.pdf"
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env.pop("QT_QPA_PLATFORM", None)
    env["MCDESK_HOME"] = str(home.data_dir.parent)
    result = subprocess.run(
        [sys.executable, "-c", HEADLESS_RUN, "teacher", "code-sheet", *DEMO, "-o", str(sheet)],
        input=f"{DEMO_TEACHER_PASSWORD}\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {sheet}: codes #1–#10")
    assert len(re.findall(r"#\d+ \d{4} \d{4}", pdf_text(sheet))) == 10
