"""The shipped manifest schema is itself valid: stations no longer check it at each install."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mcdesk.content.manifest import pack_schema, validate_manifest


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(pack_schema())


def test_the_metaschema_check_would_catch_a_broken_schema() -> None:
    broken = pack_schema() | {"type": "a kind of thing no schema names"}
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema(broken)


def test_a_manifest_breaking_the_schema_is_still_refused() -> None:
    assert validate_manifest({"id": 7})[0].startswith("manifest breaks the schema at")
