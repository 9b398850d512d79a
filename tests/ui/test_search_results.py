"""Search snippets: matched words in bold, everything else escaped, Markdown marks gone."""

from __future__ import annotations

from mcdesk.ui.search_results import plain_snippet, snippet_html


def test_marked_words_are_bold_and_the_rest_is_escaped() -> None:
    html = snippet_html("…a [tape] measure <b>and</b> [studs] & more…")
    assert html == "…a <b>tape</b> measure &lt;b&gt;and&lt;/b&gt; <b>studs</b> &amp; more…"


def test_markdown_heading_and_emphasis_marks_are_dropped() -> None:
    assert snippet_html("Learn it. ## [Estimating] **materials** `now`") == (
        "Learn it. <b>Estimating</b> materials now"
    )
    assert snippet_html("C# is not a heading") == "C# is not a heading"


def test_the_plain_snippet_is_for_screen_readers() -> None:
    assert plain_snippet("# [Stud] spacing is [16] in.") == "Stud spacing is 16 in."
