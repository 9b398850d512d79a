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
    second = draw_form(blueprint=blueprint(), bank=BANK, seed=2, seen=form_item_ids(first))
    assert not set(form_item_ids(first)) & set(form_item_ids(second))
    # A bank with 3 items per skill cannot give 2 fresh ones twice: it reuses the fewest.
    small = make_bank(per_skill=3)
    one = draw_form(blueprint=blueprint(), bank=small, seed=1)
    two = draw_form(blueprint=blueprint(), bank=small, seed=2, seen=form_item_ids(one))
    assert len(set(form_item_ids(one)) & set(form_item_ids(two))) == 3


def test_a_single_number_applies_to_every_skill_of_the_bank() -> None:
    form = draw_form(blueprint=blueprint(items_per_skill=3), bank=BANK, seed=3)
    assert Counter(item["skill"] for item in form["items"]) == dict.fromkeys(SKILLS, 3)


def test_asking_for_more_than_the_bank_holds_is_refused() -> None:
    with pytest.raises(FormError, match="area: the blueprint asks for 9 items, the bank has 7"):
        draw_form(blueprint=blueprint(items_per_skill={"area": 9}), bank=BANK, seed=1)
