"""The pack manifest: its JSON Schema plus the cross-field rules a schema cannot state."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

from mcdesk.content.standards import standard_problems
from mcdesk.protocol.items.registry import item_problems


@cache
def _validator() -> Any:
    # jsonschema costs ~150 ms to import; only verify and build pay for it.
    from jsonschema import Draft202012Validator

    schema = json.loads(
        resources.files("mcdesk.content").joinpath("schema/pack.schema.json").read_text("utf-8")
    )
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _where(path: Any) -> str:
    parts = [str(part) for part in path]
    return "/".join(parts) if parts else "(top level)"


def _repeated(values: list[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def validate_manifest(manifest: Any) -> list[str]:
    """Everything wrong with a manifest, most basic first; empty when it is good."""
    errors = sorted(_validator().iter_errors(manifest), key=lambda e: (len(e.path), list(e.path)))
    if errors:
        first = errors[0]
        return [f"manifest breaks the schema at {_where(first.path)}: {first.message}"]
    problems: list[str] = []
    skills = manifest["skills"]
    skill_ids = [skill["id"] for skill in skills]
    problems += [f"skill id {value!r} appears more than once" for value in _repeated(skill_ids)]
    items = [item for skill in skills for item in skill["self_check"]]
    problems += [
        f"item id {value!r} appears more than once" for value in _repeated([i["id"] for i in items])
    ]
    paths = [entry["path"] for entry in manifest["files"]]
    problems += [f"file {value!r} is listed more than once" for value in _repeated(paths)]
    listed = set(paths)
    problems += [
        f"lesson {skill['lesson']} of skill {skill['id']} is not in the file list"
        for skill in skills
        if skill["lesson"] not in listed
    ]
    for item in items:
        problems += [f"item {item['id']}: {problem}" for problem in item_problems(item)]
    if "standards" in manifest:
        problems += standard_problems(manifest["standards"], skill_ids=skill_ids)
    assessment = manifest.get("assessment")
    if manifest["preview"] and assessment is not None:
        problems.append("a preview pack must not carry an assessment")
    if assessment is not None:
        bank = assessment["bank"]
        if bank["path"] not in listed:
            problems.append(f"the sealed bank {bank['path']} is not in the file list")
        for skill_id, wanted in assessment["items_per_skill"].items():
            available = bank["items_per_skill"].get(skill_id, 0)
            if skill_id not in skill_ids:
                problems.append(f"the blueprint names an unknown skill {skill_id!r}")
            elif wanted > available:
                problems.append(
                    f"the blueprint draws {wanted} items for {skill_id} "
                    f"but the bank has {available}"
                )
        problems += [
            f"the bank names an unknown skill {skill_id!r}"
            for skill_id in bank["items_per_skill"]
            if skill_id not in skill_ids
        ]
    return problems
