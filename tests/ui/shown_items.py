"""One item of each of the seven types as the screens receive them: no keys, no feedback."""

from __future__ import annotations

from typing import Any

OPTIONS = [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}, {"id": "c", "text": "Gamma"}]
# As the form hands them over: no answer keys, no feedback.
ITEMS: dict[str, dict[str, Any]] = {
    "single_choice": {
        "id": "sc",
        "type": "single_choice",
        "prompt": "Pick **Beta**",
        "options": OPTIONS,
    },
    "multiple_response": {
        "id": "mr",
        "type": "multiple_response",
        "prompt": "A and C",
        "options": OPTIONS,
    },
    "true_false": {"id": "tf", "type": "true_false", "prompt": "True?"},
    "numeric": {"id": "nu", "type": "numeric", "prompt": "3 ft in inches", "unit": "in"},
    "short_text": {"id": "st", "type": "short_text", "prompt": "Unit of resistance"},
    "ordering": {"id": "or", "type": "ordering", "prompt": "Order them", "options": OPTIONS},
    "matching": {
        "id": "ma",
        "type": "matching",
        "prompt": "Match",
        "prompts": [{"id": "p", "text": "P"}, {"id": "q", "text": "Q"}],
        "options": OPTIONS,
    },
}
