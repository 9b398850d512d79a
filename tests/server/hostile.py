"""Hostile but validly signed requests, as hypothesis strategies, for every server route."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.signing import signed_headers
from mcdesk.protocol.streams import STREAMS
from tests.exam.bank import PACK, VERSION
from tests.sync.examstation import BANK


@dataclass(frozen=True, slots=True)
class Call:
    """One request: ``sign`` says whether the station signs it (with ``path`` as it signs)."""

    method: str
    path: str
    query: str = ""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    sign: bool = True


def deep(depth: int, *, opener: str = "[", closer: str = "]", inner: str = "") -> str:
    return opener * depth + inner + closer * depth


# JSON text a station could sign: deep nests, numbers of thousands of digits, bad bytes.
hostile_text = st.one_of(
    st.integers(65, 5000).map(lambda n: deep(n)),
    st.integers(65, 5000).map(lambda n: deep(n, opener='{"a":', closer="}", inner="1")),
    st.integers(25, 6000).map(lambda n: "9" * n),
    st.integers(25, 6000).map(lambda n: "1." + "5" * n),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "", "{", '"\\ud800"', "\x00"]),
)
# Past what SQLite (int64) or a PostgreSQL integer column (int32) holds, and around it.
edge_ints = st.sampled_from([-1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1])
big_ints = edge_ints | st.integers(-(2**70), 2**70)
# Any Unicode, with NUL (PostgreSQL text cannot hold it) and direction marks drawn often.
words = st.text(max_size=30) | st.sampled_from(["\x00", "a\x00b", "\u202e", "../..", "\ud7ff"])


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` about four times in five: hostile insides must get past a sound outside."""
    # The bad branch is a middle value: hypothesis favours the ends of a range.
    return st.integers(0, 4).flatmap(lambda n: bad if n == 2 else good)


names = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
plain_values = st.recursive(
    st.none()
    | st.booleans()
    | big_ints
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
json_text = st.one_of(hostile_text, plain_values.map(json.dumps))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@st.composite
def scorable(draw: st.DrawFn) -> dict[str, Any]:
    """A form and responses naming the published bank's items, with hostile insides."""
    ids = draw(st.lists(st.sampled_from([str(item["id"]) for item in BANK]), max_size=4))
    extra = st.dictionaries(st.sampled_from(["skill", "options", "id"]), plain_values, max_size=2)
    return {
        "pack_id": PACK,
        "pack_version": VERSION,
        "form": {"items": [{"id": i, "skill": "safety", **draw(extra)} for i in ids]},
        "responses": {
            i: draw(st.fixed_dictionaries({"response": plain_values | words}) | plain_values)
            for i in ids
        },
    }


@st.composite
def result_body(draw: st.DrawFn, key: Ed25519PrivateKey) -> dict[str, Any]:
    """An exam_result event body whose inner result is signed by the station's own key."""
    result_id = draw(mostly(st.uuids().map(str), words))
    if draw(st.integers(0, 4)) == 2:  # a middle value: hypothesis favours the ends
        inner = draw(json_text).encode("utf-8", "surrogatepass")
    else:
        fields = ("id", "attempt_id", "learner_id", "pack_id", "pack_version", "chain_hash")
        document: dict[str, Any] = {name: draw(mostly(names, words)) for name in fields}
        document |= {
            "id": result_id,
            "form": draw(st.just({"items": []}) | plain_values),
            "responses": draw(st.just({}) | plain_values),
            "score": draw(
                mostly(
                    st.fixed_dictionaries(
                        {
                            "points": st.floats(0, 10) | big_ints,
                            "max_points": st.floats(0, 10),
                            "passed": st.booleans(),
                        }
                    ),
                    plain_values,
                )
            ),
            "event_counter": draw(mostly(st.integers(0, 100), big_ints | plain_values)),
        }
        # Mostly re-scored, with the pack the test server publishes.
        document |= draw(mostly(scorable(), st.just({})))
        inner = canonical_json(document)
    return {
        "kind": "exam_result",
        "result_id": result_id,
        "result": _b64(inner),
        "signature": _b64(key.sign(inner)),
    }


@st.composite
def log_body(draw: st.DrawFn, key: Ed25519PrivateKey) -> dict[str, Any]:
    """An exam_log event body whose entries hash and verify as the station makes them."""
    entries = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            body = draw(json_text).encode("utf-8", "surrogatepass")
        else:
            body = canonical_json(
                {
                    "seq": draw(big_ints | plain_values),
                    "kind": draw(words),
                    "attempt_id": draw(words | plain_values),
                }
            )
        prev = draw(st.sampled_from(["0" * 64, "f" * 64]))
        digest = hashlib.sha256(bytes.fromhex(prev) + body).digest()
        entries.append(
            {
                "body": _b64(body),
                "signature": _b64(key.sign(digest)),
                "hash": digest.hex(),
                "prev_hash": prev,
            }
        )
    return {"kind": "exam_log", "entries": entries}


@st.composite
def pushed_event(draw: st.DrawFn, key: Ed25519PrivateKey) -> Any:
    """An event of the push request: well formed around a hostile inside, or anything at all."""
    shape = draw(
        mostly(st.sampled_from(["result", "log", "plain"]), st.just("raw") | st.just("anything"))
    )
    if shape == "anything":
        return draw(plain_values)
    if shape == "raw":
        text = draw(json_text)
        kind = draw(st.sampled_from(["exam_result", "exam_log", "progress"]) | words)
    else:
        if shape == "result":
            document = draw(result_body(key))
        elif shape == "log":
            document = draw(log_body(key))
        else:
            document = {"kind": draw(words), "value": draw(plain_values)}
        text = canonical_json(document).decode("utf-8", "surrogatepass")
        kind = str(document["kind"])
    # Mostly a sound envelope, so the hostile insides get as far as the database.
    sound = draw(st.integers(0, 9)) != 5  # a middle value: hypothesis favours the ends
    return {
        "id": draw(st.uuids().map(str)) if sound else draw(words),
        "seq": draw(st.integers(0, 10**6)) if sound else draw(big_ints | plain_values),
        "kind": kind,
        "body": text,
        "body_sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    }


@st.composite
def push_call(draw: st.DrawFn, key: Ed25519PrivateKey) -> Call:
    if draw(st.integers(0, 4)) == 2:  # a middle value: hypothesis favours the ends
        body = draw(json_text).encode("utf-8", "surrogatepass") if draw(st.booleans()) else (
            draw(st.binary(max_size=200))
        )  # fmt: skip
    else:
        events = draw(st.lists(pushed_event(key), min_size=1, max_size=3))
        body = json.dumps({"events": events}).encode("utf-8", "surrogatepass")
    return Call("POST", "/api/v1/push", body=body)


def number_text() -> st.SearchStrategy[str]:
    return st.one_of(
        big_ints.map(str),
        st.integers(19, 5000).map(lambda n: "9" * n),
        words,
    )


@st.composite
def pull_call(draw: st.DrawFn) -> Call:
    stream = draw(st.sampled_from(STREAMS) | words)
    query = f"after={quote(draw(number_text()))}&limit={quote(draw(number_text()))}"
    return Call("GET", f"/api/v1/pull/{stream}", query=query)


@st.composite
def blob_call(draw: st.DrawFn, sha256: str) -> Call:
    name = draw(st.just(sha256) | st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
    # A header travels as printable ASCII.
    printable = number_text().map(lambda t: "".join(c for c in t if " " < c <= "~"))
    first, last = draw(printable), draw(printable)
    header = draw(
        st.sampled_from([f"bytes={first}-{last}", f"bytes=-{last}", f"bytes={first}-"])
        | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
    )
    return Call("GET", f"/api/v1/blobs/{name}", headers={"Range": header.strip()})


@st.composite
def manifest_call(draw: st.DrawFn) -> Call:
    pack, version = draw(words.filter(bool)), draw(words.filter(bool))
    return Call("GET", f"/api/v1/packs/{pack}/{version}")


@st.composite
def enrol_call(draw: st.DrawFn) -> Call:
    if draw(st.booleans()):
        body = draw(json_text).encode("utf-8", "surrogatepass")
    else:
        request = draw(
            st.fixed_dictionaries(
                {
                    "token": words | plain_values,
                    "station_id": words | plain_values,
                    "name": words,
                    "public_key": words,
                }
            )
        )
        body = json.dumps(request).encode("utf-8", "surrogatepass")
    return Call("POST", "/api/v1/enroll", body=body, sign=False)


@st.composite
def teacher_call(draw: st.DrawFn) -> Call:
    fields = draw(st.lists(st.tuples(words, words), max_size=14))
    body = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in fields).encode("ascii")
    raw = draw(st.binary(max_size=100))
    return Call("POST", "/teacher", body=draw(st.sampled_from([body, raw])), sign=False)


@st.composite
def header_noise(draw: st.DrawFn) -> dict[str, str]:
    """Signed-request headers bent: huge timestamps, odd nonces (the signature still fits)."""
    ascii_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=60)
    return draw(
        mostly(
            st.just({}),
            st.fixed_dictionaries(
                {},
                optional={
                    "timestamp": st.integers(0, 5000).map(lambda n: "1" + "0" * n) | ascii_text,
                    "nonce": ascii_text | st.integers(1, 3000).map(lambda n: "ab" * n),
                },
            ),
        )
    )


def signed(call: Call, *, station_id: str, key: Ed25519PrivateKey, noise: dict[str, str]) -> Call:
    """The call with the station's signed headers; ``noise`` replaces some before signing."""
    if not call.sign:
        return call
    timestamp_text = noise.get("timestamp", str(int(time.time())))
    headers = signed_headers(
        key=key,
        station_id=station_id,
        method=call.method,
        path=call.path,
        body=call.body,
        timestamp=int(time.time()),
        nonce=noise.get("nonce"),
    )
    if "timestamp" in noise:
        headers["X-Mcdesk-Timestamp"] = timestamp_text
    return Call(call.method, call.path, call.query, call.body, {**call.headers, **headers}, False)
