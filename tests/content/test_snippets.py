"""Search snippets: the window where most query words meet, matches marked."""

from __future__ import annotations

from mcdesk.content.catalog import make_snippet

FILLER = " ".join(f"filler{n}" for n in range(60))


def test_a_snippet_centres_where_all_the_words_meet_not_on_the_first_match() -> None:
    body = f"Voltage is named early. {FILLER} Measure the voltage with a meter here. {FILLER}"
    snippet = make_snippet(body, ["meter", "voltage"])
    assert "[voltage]" in snippet
    assert "[meter]" in snippet
    assert snippet.startswith("…")
    assert snippet.endswith("…")


def test_one_word_marks_its_first_match_and_every_form_of_it() -> None:
    body = f"{FILLER} Measuring comes first, then measured values. {FILLER}"
    snippet = make_snippet(body, ["measuring"])
    assert "[Measuring]" in snippet
    assert "[measured]" in snippet


def test_no_match_gives_the_opening_words() -> None:
    assert make_snippet(f"Plain text here. {FILLER}", ["zebra"]).startswith("Plain text here.")
    assert make_snippet("anything", []) == ""
