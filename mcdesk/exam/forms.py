"""Drawing a form: which items an attempt shows, in which order, with which option order.

A form holds item ids, skills and option orders only, never prompts or answer keys, so
it may be stored and signed in the result. The same seed, blueprint, bank and history
always draw the same form.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypedDict

# Types whose options are shown in a drawn order; matching shuffles its option column.
SHUFFLED_TYPES = frozenset({"single_choice", "multiple_response", "ordering", "matching"})


class FormItem(TypedDict):
    id: str
    skill: str
    options: list[str] | None


class Form(TypedDict):
    items: list[FormItem]


class FormError(ValueError):
    """The blueprint asks for more than the bank holds, or names no skills."""


def items_per_skill(
    blueprint: Mapping[str, Any], bank: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """Items to draw per skill: the blueprint's table, or its one number for every bank skill."""
    wanted = blueprint["items_per_skill"]
    if isinstance(wanted, Mapping):
        return {str(skill): int(count) for skill, count in wanted.items()}
    skills = dict.fromkeys(str(item["skill"]) for item in bank)  # first-seen order
    return dict.fromkeys(skills, int(wanted))


def _option_order(item: Mapping[str, Any], rng: random.Random) -> list[str] | None:
    if item["type"] not in SHUFFLED_TYPES:
        return None
    order = [str(option["id"]) for option in item["options"]]
    rng.shuffle(order)
    if item["type"] == "ordering" and order == list(item["answer"]) and len(order) > 1:
        order.reverse()  # never show an ordering item already solved
    return order


def draw_form(
    *,
    blueprint: Mapping[str, Any],
    bank: Sequence[Mapping[str, Any]],
    seed: int,
    history: Sequence[Collection[str]] = (),
) -> Form:
    """Draw items per skill; ``history`` holds the learner's earlier forms, oldest first.

    Items never shown come first, then items shown before but not in the previous form,
    at random; the previous form's items come last. So with at least twice the drawn
    count in a skill's pool, two forms in a row share no item of that skill, and with
    three times the count the first three attempts show every item of the pool.
    """
    rng = random.Random(seed)
    by_skill: dict[str, list[Mapping[str, Any]]] = {}
    for item in sorted(bank, key=lambda i: str(i["id"])):  # bank order must not matter
        by_skill.setdefault(str(item["skill"]), []).append(item)
    wanted = items_per_skill(blueprint, bank)
    if not wanted:
        raise FormError("the blueprint names no skills")
    previous = {str(item_id) for item_id in history[-1]} if history else set()
    shown = {str(item_id) for ids in history for item_id in ids}
    chosen: list[Mapping[str, Any]] = []
    for skill, count in wanted.items():
        pool = list(by_skill.get(skill, []))
        if count > len(pool):
            raise FormError(
                f"skill {skill}: the blueprint asks for {count} items, the bank has {len(pool)}"
            )
        rng.shuffle(pool)
        # Stable sort: the order inside each tier stays the shuffled one.
        pool.sort(key=lambda item: (str(item["id"]) in previous, str(item["id"]) in shown))
        chosen.extend(pool[:count])
    rng.shuffle(chosen)
    return Form(
        items=[
            FormItem(id=str(item["id"]), skill=str(item["skill"]), options=_option_order(item, rng))
            for item in chosen
        ]
    )


def form_item_ids(form: Form) -> list[str]:
    return [item["id"] for item in form["items"]]
