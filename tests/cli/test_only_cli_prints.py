"""Only the command line talks to the terminal; everything else returns what it has to say."""

from __future__ import annotations

import ast
from pathlib import Path

import mcdesk

ROOT = Path(mcdesk.__file__).parent
# The windowed app's entry point hands the process's streams to the start-up screen,
# which writes through them (``out``/``err``) only when run from a terminal.
STREAM_OWNERS = {"ui/app.py"}


def _talks_to_terminal(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id  # print(...)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = f"{node.value.id}.{node.attr}"  # sys.stdout
        else:
            continue
        if name in {"print", "sys.stdout", "sys.stderr"}:
            lines.append(node.lineno)
    return lines


def test_no_module_outside_the_command_line_prints() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("cli/") or rel == "__main__.py" or rel in STREAM_OWNERS:
            continue
        found += [f"{rel}:{line}" for line in _talks_to_terminal(ast.parse(path.read_text()))]
    assert found == []


def test_the_check_finds_a_print_and_a_stream() -> None:
    source = "import sys\nprint('x')\nsys.stderr.write('y')\n"
    assert _talks_to_terminal(ast.parse(source)) == [2, 3]
