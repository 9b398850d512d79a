"""Every Teacher Resource Center page on a phone (360 and 390 px wide) in a real chromium,
with the names a real school has (long ones, long pack and skill titles) and hostile ones:
the page never scrolls sideways, a table never overflows its card (each row becomes a
labelled block), the progress grid alone scrolls inside a labelled region with its learner
column held, headers still reach a screen reader, and every name is text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from sqlmodel import Session, col, select

from mcdesk.server.accommodations import set_accommodation
from mcdesk.server.allowances import allow, new_form_id
from mcdesk.server.announcements import post_announcement
from mcdesk.server.grants import add_grant
from mcdesk.server.models import Learner, SchoolClass, Teacher
from mcdesk.server.roster import import_roster_csv
from tests.packsource import write_source
from tests.server.pulling import TEACHER_USER
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import NARROW, PHONE, TeacherBrowser
from tests.server.web.reports_lab import GradedClass
from tests.server.web.simlab import learners_of, report, sim_stations

PHONES = (NARROW, PHONE)
PACK = "sample-pack"
PACK_TITLE = (
    "Shielded Metal Arc Welding Fundamentals and Workplace Safety Practices "
    "<script>window.__xss='pack'</script>"
)
SKILL_TITLE = "Measuring with tape measures, calipers and micrometres to the nearest 1/64 in"
CLASS = "Welding 1 — Shielded Metal Arc and Gas Tungsten Arc <img src=x onerror=window.__xss=1>"
ANA = "Anastasia María-Fernanda Ruiz-Villanueva de la Cruz <script>window.__xss='ana'</script>"
BEN = "Benedict Oluwaseun Ode-Adeyemi <svg onload=window.__xss='ben'>"
NOTICE = (
    "Bench test on Thursday: safety glasses, gloves and your logbook. Read the OSHA page first: "
    "https://www.osha.gov/laws-regs/regulations/standardnumber/1926/1926.351#welding-cutting "
    "<script>window.__xss='notice'</script>"
)
CHRIS = "Christopher-Alexander Montgomery-Worthington III"
ROSTER = "class,learner,external_id,pin\n"
REASON = "The fire drill ended the attempt after question 4 <b>(not the learner's doing)</b>"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """The sample pack with a long title and a long skill title, as real packs have."""
    root = write_source(tmp_path / "src" / PACK, title=PACK_TITLE)
    skill = root / "skills" / "measuring" / "skill.toml"
    skill.write_text(
        skill.read_text(encoding="utf-8").replace(
            'title = "Measuring"', f'title = "{SKILL_TITLE}"'
        ),
        encoding="utf-8",
    )
    return root


@dataclass(frozen=True, slots=True)
class Page:
    name: str  # the screenshot is trc-busy-<name>
    path: str
    scrolls: bool = False  # a true 2-D grid: it may scroll, inside its labelled region


def busy_school(trc: TrcServer, graded: GradedClass) -> list[Page]:
    """The graded class made busy: long hostile names, grants with dates, extra time, an
    allowance with a reason, an announcement, and a board of stations; its pages."""
    engine = trc.server.engine
    now = datetime.now(UTC)
    with Session(engine) as session:
        welding = session.get(SchoolClass, graded.welding_id)
        assert welding is not None
        ana = session.get(Learner, graded.lab.learner_id)
        assert ana is not None
        ben = session.exec(select(Learner).where(col(Learner.display_name) == "Ben Ode")).one()
        teacher = session.exec(select(Teacher).where(col(Teacher.username) == TEACHER_USER)).one()
        import_roster_csv(
            session, school_id=graded.school_id, text=f"{ROSTER}Welding 1,{CHRIS},W-3,\n"
        )
        welding.name, ana.display_name, ben.display_name = CLASS, ANA, BEN
        session.add_all([welding, ana, ben])
        session.commit()
        for learner in (ana, ben):
            add_grant(
                session, school_id=graded.school_id, pack_id=PACK, class_id=None,
                learner_id=learner.id, opens_at=now + timedelta(days=2),
                closes_at=now + timedelta(days=40), now=now,
            )  # fmt: skip
        ana_id = ana.id
        set_accommodation(session, learner_id=ana_id, multiplier=1.5, now=now)
        session.commit()
        allow(
            session, learner=ana, school_id=graded.school_id, kind="extra_attempt", pack_id=PACK,
            reason=REASON, teacher=teacher, form_id=new_form_id(), now=now,
        )  # fmt: skip
        post_announcement(
            session, school_class=welding, text=NOTICE, due_on=now.date() + timedelta(days=3),
            posted_by=teacher.display_name, now=now,
        )  # fmt: skip
        session.commit()
    people = learners_of(engine, graded.welding_id)
    stations = sim_stations(engine, trc.base_url, school_id=graded.school_id, count=3)
    sent: list[dict[str, Any]] = [
        report(people[0], state="paused", waiting={"action": "resume", "counter": 2}),
        report(people[1], remaining_s=185, answered=11, incidents=("focus_lost", "focus_lost")),
        report(people[2], studying=SKILL_TITLE),
    ]
    for station, body in zip(stations, sent, strict=True):
        body["doing"]["title"] = PACK_TITLE
        if body["attempt"] is not None:
            body["attempt"]["title"] = PACK_TITLE
        station.link.exchange(body)
        station.link.close()
    base = f"/teacher/classes/{graded.welding_id}"
    return [
        Page("board", "/teacher/board"),
        Page("board-class", f"/teacher/board/classes/{graded.welding_id}"),
        Page("my-classes", "/teacher/classes"),
        Page("class", base),
        Page("manage", f"{base}/manage"),
        Page("learner", f"{base}/learners/{ana_id}"),
        Page("timeline", f"{base}/learners/{ana_id}/timeline"),
        Page("progress-packs", f"{base}/progress"),
        Page("progress", f"{base}/progress/{PACK}", scrolls=True),
        Page("results", f"{base}/results"),
        Page("assessment", f"{base}/results/{PACK}"),
        Page("announcements", f"{base}/announcements"),
        Page("report", f"{base}/report", scrolls=True),
        Page("codes", "/teacher/codes"),
    ]


# What overflows on this page: the page itself, any table past its container, any box that
# scrolls sideways (other than a grid region meant to); and each stacked cell's label.
MEASURE = """
const out = {page: document.documentElement.scrollWidth, view: window.innerWidth,
             tables: [], boxes: [], labels: [], regions: [], past: []};
for (const e of document.querySelectorAll('body *')) {  // what sticks out, to say so
  if (e.getBoundingClientRect().right > out.view + 1 && !e.closest('[role=region]')) {
    out.past.push(e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40));
  }
}
for (const t of document.querySelectorAll('main table')) {
  const box = t.parentElement;
  out.tables.push({cls: t.className, width: t.scrollWidth, room: box.clientWidth,
                   region: box.matches('[role=region][tabindex="0"][aria-label]')});
}
for (const e of document.querySelectorAll('main *')) {
  if (e.clientWidth > 1  // not a visually hidden label (1 px, clipped on purpose)
      && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
      && e.tagName !== 'TEXTAREA' && e.tagName !== 'SELECT' && e.tagName !== 'INPUT') {
    out.boxes.push({tag: e.tagName, cls: e.className, region: e.getAttribute('aria-label')});
  }
}
for (const t of document.querySelectorAll('main table.stack')) {
  const heads = [...t.querySelectorAll('thead th')].map(
    h => h.querySelector('.visually-hidden') ? '' : h.textContent.trim());  // a button's column
  for (const row of t.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => {
      out.labels.push({want: heads[i], got: cell.dataset.label,
                       shown: getComputedStyle(cell, '::before').content});
    });
  }
}
for (const r of document.querySelectorAll('main [role=region][tabindex="0"]')) {
  const first = r.querySelector('tbody tr > :first-child');
  out.regions.push({label: r.getAttribute('aria-label'),
                    sticky: first ? getComputedStyle(first).position : null,
                    scrolls: r.scrollWidth > r.clientWidth});
}
return out;
"""


def ax_roles(browser: TeacherBrowser) -> dict[str, list[str]]:
    """The roles and names chromium gives a screen reader: role -> names."""
    tree = browser.driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})
    found: dict[str, list[str]] = {}
    for node in tree["nodes"]:
        role = node.get("role", {}).get("value", "")
        name = str(node.get("name", {}).get("value", ""))
        found.setdefault(role, []).append(name)
    return found


def check_page(browser: TeacherBrowser, page: Page, width: int) -> dict[str, Any]:
    where = f"{page.path} at {width} px"
    seen: dict[str, Any] = browser.driver.execute_script(MEASURE)
    assert seen["page"] <= width, f"{where}: the page is {seen['page']} px: {seen['past']}"
    assert seen["view"] == width, where  # a phone widens its viewport to fit a wide page
    for table in seen["tables"]:
        if page.scrolls and table["region"]:
            continue  # the grid: asserted below
        assert table["width"] <= table["room"], f"{where}: table {table} overflows its box"
    assert all(box["region"] for box in seen["boxes"]), f"{where}: scrolls inside {seen['boxes']}"
    for label in seen["labels"]:  # each cell says its column, seen and read once
        assert label["got"] == label["want"], f"{where}: {label}"
        if label["want"]:
            assert label["want"] in label["shown"], f"{where}: label not shown {label}"
    if page.scrolls:
        (region,) = seen["regions"]
        assert region["label"], where
        assert region["sticky"] == "sticky", f"{where}: the learner column scrolls away"
    assert browser.driver.execute_script("return window.__xss === undefined"), where
    for tag in ("script", "img", "svg"):
        assert browser.driver.find_elements(By.CSS_SELECTOR, f"main {tag}") == [], (where, tag)
    return seen


def test_every_page_reads_on_a_phone_without_sideways_scrolling(
    browser: TeacherBrowser, trc: TrcServer, graded: GradedClass
) -> None:
    pages = busy_school(trc, graded)
    browser.sign_in()
    regions = 0
    for width, height in PHONES:
        browser.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
        )
        try:
            for page in pages:
                browser.open(page.path)
                seen = check_page(browser, page, width)
                regions += len(seen["regions"])
                if page.name == "manage":  # the names are there, as text
                    assert ANA in browser.text()
                    assert PACK_TITLE in browser.text()
                if page.name == "assessment":
                    assert SKILL_TITLE in browser.text()
        finally:
            browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert regions == 2 * 2  # the progress grid and the class report, at each width


def test_a_stacked_table_keeps_its_headers_for_a_screen_reader(
    browser: TeacherBrowser, trc: TrcServer, graded: GradedClass
) -> None:
    pages = {p.name: p for p in busy_school(trc, graded)}
    browser.sign_in()
    browser.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        browser.open(pages["manage"].path)
        roles = ax_roles(browser)
        assert len(roles.get("table", [])) == 1
        for header in ("Micro-credential", "For", "Opens", "Closes"):
            assert header in roles["columnheader"], roles.get("columnheader")
        assert any(ANA in name for name in roles["cell"])
        # The label drawn before each cell is for the eye: the header already names it.
        assert not any(name.startswith("For") for name in roles["cell"])
        browser.open(pages["assessment"].path)
        roles = ax_roles(browser)
        assert len(roles.get("table", [])) == 4
        for header in ("Question", "Skill", "Facility", "Discrimination", "Learner", "Score"):
            assert header in roles["columnheader"], roles.get("columnheader")
        browser.open(pages["progress"].path)
        roles = ax_roles(browser)
        assert any("Progress grid" in name for name in roles.get("region", [])), roles
        assert any(ANA in name for name in roles["rowheader"])
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_screenshots_of_the_busy_pages(
    browser: TeacherBrowser, trc: TrcServer, graded: GradedClass
) -> None:
    pages = busy_school(trc, graded)
    browser.sign_in()
    for page in pages:
        browser.open(page.path)
        saved = browser.screenshot(f"trc-busy-{page.name}", phones=(PHONE, NARROW), whole=True)
        assert all(p.stat().st_size > 0 for p in saved)
