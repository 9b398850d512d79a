"""The manifest schema itself: valid against its metaschema (checked here, not per process)."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mcdesk.content.manifest import manifest_schema


def test_the_manifest_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(manifest_schema())


def test_the_metaschema_check_would_catch_a_broken_schema() -> None:
    broken = manifest_schema()
    broken["type"] = "not-a-json-type"
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema(broken)
