from __future__ import annotations

from collections import Counter

import pytest

from mcdesk.exam.forms import FormError, draw_form, form_item_ids
from mcdesk.protocol.canonical import canonical_json
from tests.exam.bank import SKILLS, blueprint, make_bank

BANK = make_bank()
BY_ID = {item["id"]: item for item in BANK}


def test_a_form_draws_the_blueprint_per_skill_and_is_reproducible_from_its_seed() -> None:
    form = draw_form(blueprint=blueprint(), bank=BANK, seed=7)
    assert Counter(item["skill"] for item in form["items"]) == dict.fromkeys(SKILLS, 2)
    assert all(BY_ID[item["id"]]["skill"] == item["skill"] for item in form["items"])
    assert draw_form(blueprint=blueprint(), bank=list(reversed(BANK)), seed=7) == form
    others = {
        canonical_json(draw_form(blueprint=blueprint(), bank=BANK, seed=s)) for s in range(20)
    }
    assert len(others) > 15


def test_options_are_shuffled_for_choice_types_only_and_never_carry_the_key() -> None:
    seen_orders: set[tuple[str, ...]] = set()
    for seed in range(30):
        form = draw_form(blueprint=blueprint(items_per_skill=7), bank=BANK, seed=seed)
        for shown in form["items"]:
            item = BY_ID[shown["id"]]
            if item["type"] in ("single_choice", "multiple_response", "ordering", "matching"):
                assert shown["options"] is not None
                assert sorted(shown["options"]) == sorted(o["id"] for o in item["options"])
                if item["type"] == "ordering":
                    assert shown["options"] != item["answer"]
                seen_orders.add(tuple(shown["options"]))
            else:
                assert shown["options"] is None
            assert set(shown) == {"id", "skill", "options"}
    assert len(seen_orders) > 10


def test_a_retake_prefers_items_not_seen_before() -> None:
    first = draw_form(blueprint=blueprint(), bank=BANK, seed=1)
    second = draw_form(blueprint=blueprint(), bank=BANK, seed=2, history=[form_item_ids(first)])
    assert not set(form_item_ids(first)) & set(form_item_ids(second))
    # A bank with 3 items per skill cannot give 2 fresh ones twice: it reuses the fewest.
    small = make_bank(per_skill=3)
    one = draw_form(blueprint=blueprint(), bank=small, seed=1)
    two = draw_form(blueprint=blueprint(), bank=small, seed=2, history=[form_item_ids(one)])
    assert len(set(form_item_ids(one)) & set(form_item_ids(two))) == 3


RETAKE_BANK = make_bank(per_skill=12)
RETAKE_BLUEPRINT = blueprint(items_per_skill=4)


def _shared(a: list[str], b: list[str]) -> int:
    return len(set(a) & set(b))


def test_1000_pairs_of_forms_in_a_row_share_at_most_a_third_of_their_items() -> None:
    """12 items a skill, 4 drawn: a learner's next form avoids the previous one."""
    shown: Counter[str] = Counter()
    for learner in range(1000):
        first = form_item_ids(draw_form(blueprint=RETAKE_BLUEPRINT, bank=RETAKE_BANK, seed=learner))
        second = form_item_ids(
            draw_form(
                blueprint=RETAKE_BLUEPRINT, bank=RETAKE_BANK, seed=10_000 + learner, history=[first]
            )
        )
        assert len(first) == len(second) == 12
        assert _shared(first, second) * 3 <= len(second), (learner, first, second)
        shown.update(first)
    # The first forms still draw from the whole bank, evenly: each item in about a third.
    assert set(shown) == {item["id"] for item in RETAKE_BANK}
    assert all(250 <= count <= 420 for count in shown.values()), shown


def test_a_learner_retaking_1000_times_never_meets_most_of_the_previous_form() -> None:
    """Long after every item has been seen, the next form still avoids the previous one."""
    history: list[list[str]] = []
    pairs_drawn = 0
    for attempt in range(1001):
        form = form_item_ids(
            draw_form(blueprint=RETAKE_BLUEPRINT, bank=RETAKE_BANK, seed=attempt, history=history)
        )
        if history:
            assert _shared(history[-1], form) * 3 <= len(form), attempt
            pairs_drawn += 1
        if attempt == 2:  # three attempts: every item of the bank was shown once
            assert sorted(id_ for ids in [*history, form] for id_ in ids) == sorted(
                item["id"] for item in RETAKE_BANK
            )
        history.append(form)
    assert pairs_drawn == 1000
    # Past the third attempt the draw is not a fixed cycle a learner could learn.
    assert len({frozenset(ids) for ids in history[3:]}) > 100


def test_a_pool_short_of_twice_the_draw_repeats_only_what_it_must() -> None:
    """7 items, 4 drawn: the next form must reuse 1 of the previous 4, and reuses just 1."""
    bank = make_bank(per_skill=7)
    for seed in range(200):
        first = form_item_ids(draw_form(blueprint=RETAKE_BLUEPRINT, bank=bank, seed=seed))
        second = form_item_ids(
            draw_form(blueprint=RETAKE_BLUEPRINT, bank=bank, seed=seed + 1, history=[first])
        )
        assert _shared(first, second) == 3  # one per skill, three skills


def test_a_single_number_applies_to_every_skill_of_the_bank() -> None:
    form = draw_form(blueprint=blueprint(items_per_skill=3), bank=BANK, seed=3)
    assert Counter(item["skill"] for item in form["items"]) == dict.fromkeys(SKILLS, 3)


def test_asking_for_more_than_the_bank_holds_is_refused() -> None:
    with pytest.raises(FormError, match="area: the blueprint asks for 9 items, the bank has 7"):
        draw_form(blueprint=blueprint(items_per_skill={"area": 9}), bank=BANK, seed=1)
