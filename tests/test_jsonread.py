from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcdesk.jsonread import MAX_DEPTH, JsonRefused, read_json


def test_plain_document_reads() -> None:
    assert read_json(b'{"a": [1, 2.5, "x", null, true]}', what="x", max_bytes=100) == {
        "a": [1, 2.5, "x", None, True]
    }


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[" * 10_000 + b"]" * 10_000, "nests deeper"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nests deeper"),
        (b"1" * 5_000, "too long"),
        (b"[1e5000]", "out of range"),
        (b"[NaN]", "not a JSON number"),
        (b"\xff\xfe{", "not UTF-8"),
        (b"{", "not JSON"),
        (b"x" * 101, "too large"),
    ],
)
def test_hostile_documents_are_refused_in_words(raw: bytes, reason: str) -> None:
    with pytest.raises(JsonRefused, match=reason) as caught:
        read_json(raw, what="the manifest", max_bytes=100 if len(raw) == 101 else 10**6)
    assert str(caught.value).startswith("the manifest")


def test_depth_at_the_limit_reads() -> None:
    raw = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert read_json(raw, what="x", max_bytes=1000) is not None


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    )
)
def test_anything_json_writes_reads_back(value: object) -> None:
    raw = json.dumps(value)
    assert read_json(raw, what="x", max_bytes=10**7) == value
