"""Every route of the Teacher Resource Center, walked as the wrong person.

The routes come from the app itself (its OpenAPI paths: FastAPI 0.165 nests included
routers in private objects, the schema is the public list of every route), so a page added
later is walked too; never hide a web route from the schema.
A path parameter the walk does not know fails the test: add its value to ``PATH_VALUES``
(pointing at the victim's data) and the new route is covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mcdesk.server.app import create_app
from mcdesk.server.config import ServerSettings
from mcdesk.server.grants import add_grant
from mcdesk.server.models import Change, Grant
from mcdesk.server.schools import add_school, add_teacher, find_learner
from mcdesk.server.web import (
    announce_routes,
    board_routes,
    learner_routes,
    manage_routes,
    report_routes,
)
from mcdesk.server.web import routes as web_pages
from mcdesk.server.web.pages import PREFIX, VERIFY_PREFIX
from mcdesk.server.web.routes import PUBLIC_ROUTES
from tests.server.pulling import TEACHER_PASSWORD, TEACHER_USER
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import ADMIN_USER, OTHER_USER, School, set_up_trc_school
from tests.server.web.http import WebClient

# mlee's class and what only its pages show: no one else may ever read these.
VICTIM_CLASS = "Welding 1"
VICTIM_SECRETS = ("Welding 1", "Ana Ruiz", "Ben Ode")
OUTSIDER = "far-admin"  # the administrator of another school


def path_values(school: School, engine: Engine) -> dict[str, str]:
    """A value for each path parameter, naming the victim's data."""
    with Session(engine) as session:
        ana = find_learner(
            session, school_id=school.school_id, class_name=VICTIM_CLASS, name="Ana Ruiz"
        ).id
        grant = session.exec(
            select(Grant.id).where(Grant.class_id == school.classes[VICTIM_CLASS])
        ).first()
    return {
        "class_id": school.classes[VICTIM_CLASS],
        "credential_uuid": "00000000-0000-0000-0000-000000000000",
        "pack_id": "sample-pack",
        "announcement_id": "00000000-0000-4000-8000-000000000000",
        "learner_id": ana,
        "grant_id": grant or "no-grant",
    }


def web_routes() -> list[tuple[str, str]]:
    """(method, path) of every route under the web prefix, from the app as built."""
    app = create_app(ServerSettings(database_url="sqlite://"))  # routes only: never started
    found = []
    for path, operations in app.openapi()["paths"].items():
        if any(path == top or path.startswith(top + "/") for top in (PREFIX, VERIFY_PREFIX)):
            found.extend((method.upper(), path) for method in sorted(operations))
    return found


def fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"{path}: add a value for {{{name}}} to path_values() so it is walked")
        return values[name]

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


@dataclass(frozen=True, slots=True)
class Walker:
    name: str
    username: str | None  # None: signed out


WALKERS = [
    Walker("signed out", None),
    Walker("another teacher of the school", OTHER_USER),
    Walker("the administrator of another school", OUTSIDER),
]


@pytest.fixture
def school(trc: TrcServer) -> School:
    school = set_up_trc_school(trc.server.engine)
    with Session(trc.server.engine) as session:
        add_grant(
            session, school_id=school.school_id, pack_id="*",
            class_id=school.classes[VICTIM_CLASS], learner_id=None, opens_at=None,
            closes_at=None, now=datetime.now(UTC),
        )  # fmt: skip
        far = add_school(session, name="Faraway", now=datetime.now(UTC))
        add_teacher(
            session,
            school_id=far.id,
            username=OUTSIDER,
            display_name="Far Admin",
            password=TEACHER_PASSWORD,
            now=datetime.now(UTC),
            role="admin",
        )
    return school


def client_for(trc: TrcServer, walker: Walker) -> WebClient:
    client = WebClient(trc.base_url)
    if walker.username is not None:
        assert client.sign_in(walker.username).status_code == 303
    return client


def test_the_walk_finds_the_pages() -> None:
    routes = web_routes()
    for expected in (
        ("GET", "/teacher/codes"),
        ("GET", "/teacher/classes/{class_id}"),
        ("GET", "/teacher/classes/{class_id}/results/{pack_id}/results.csv"),
    ):
        assert expected in routes
    assert set(routes) >= PUBLIC_ROUTES
    routers = (
        web_pages.router,
        board_routes.router,
        board_routes.changes_router,
        report_routes.router,
        announce_routes.router,
        manage_routes.router,
        learner_routes.router,
    )
    for route in [r for router in routers for r in router.routes]:  # none unwalked
        for method in getattr(route, "methods", ()):
            assert (method, getattr(route, "path", "")) in routes, route


@pytest.mark.parametrize("walker", WALKERS, ids=lambda w: w.name)
def test_no_route_shows_another_class_to_the_wrong_person(
    trc: TrcServer, school: School, walker: Walker
) -> None:
    values = path_values(school, trc.server.engine)
    before = managed_changes(trc)
    for method, template in web_routes():
        path = fill(template, values)
        client = client_for(trc, walker)  # afresh: a walked sign-out must not end the walk
        token = client.token()
        answer = client.get(path) if method == "GET" else client.post(path, {}, token=token)
        where = f"{method} {template} as {walker.name}"
        assert answer.status_code < 500, where
        for secret in VICTIM_SECRETS:
            assert secret not in answer.text, f"{where} shows {secret!r}"
        if (method, template) in PUBLIC_ROUTES:
            continue
        if walker.username is None:
            assert (answer.status_code, answer.headers.get("location")) == (303, PREFIX), where
        elif "{" in template:
            assert answer.status_code == 403, where
            assert "not one of yours" in answer.text, where
    assert managed_changes(trc) == before  # no grant, time, PIN or allowance was changed


def managed_changes(trc: TrcServer) -> int:
    streams = ("grants", "accommodations", "roster", "allowances", "announcements")
    with Session(trc.server.engine) as session:
        return len(session.exec(select(Change.id).where(col(Change.stream).in_(streams))).all())


def test_the_walk_would_see_a_leak(trc: TrcServer, school: School) -> None:
    """The victim and the school's administrator do see the class: the markers are real."""
    for username in (TEACHER_USER, ADMIN_USER):
        client = client_for(trc, Walker(username, username))
        page = client.get(
            fill("/teacher/classes/{class_id}", path_values(school, trc.server.engine))
        )
        assert page.status_code == 200
        assert all(secret in page.text for secret in VICTIM_SECRETS)
