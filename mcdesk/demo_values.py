"""The demo class's names and secrets: plain constants, cheap to import on the start-up path.

Every value here is a demonstration value and is printed for anyone to use.
"""

from __future__ import annotations

DEMO_SCHOOL = "Riverside CTE Center (demo)"
DEMO_CLASS = "Period 2 — Construction & IT (demo)"
DEMO_TEACHER_ID = "demo-teacher"
DEMO_TEACHER_USERNAME = "teacher"
DEMO_TEACHER_NAME = "Ms. Rivera (demo)"
DEMO_TEACHER_PASSWORD = "mcdesk-demo"
DEMO_LEARNER_PIN = "1234"
DEMO_LEARNERS = (
    "Aaliyah Johnson",
    "Ben Nguyen",
    "Carlos Ramirez",
    "Dana Whitefeather",
    "Eli Goldberg",
    "Fatima Hassan",
    "Grace Kim",
    "Hunter Brooks",
    "Isabella Rossi",
    "Jamal Carter",
    "Kiara Patel",
    "Liam O'Connor",
)


def login_hints() -> str:
    return (
        f"Demo class: {DEMO_CLASS}\n"
        f"  Learners: pick any name, PIN {DEMO_LEARNER_PIN}\n"
        f"  Teacher:  user '{DEMO_TEACHER_USERNAME}', password '{DEMO_TEACHER_PASSWORD}'"
    )
