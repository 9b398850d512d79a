"""mcdesk's packages depend on each other one way: the package-level import graph has no cycle.

The graph is read from the source with ``ast`` (nothing is imported or run). Every import
counts, including ones inside functions and under ``TYPE_CHECKING``: a lazy import is
still a dependency. A node is a subpackage of mcdesk (``mcdesk.sync``) or a top-level
module (``mcdesk.paths``); the command-line modules are one node, ``cli``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import mcdesk

ROOT = Path(mcdesk.__file__).resolve().parent


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _node(module: str) -> str:
    """The package-level node a dotted module belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return "mcdesk"
    top = parts[1]
    return "cli" if top == "cli" or top.endswith("_cli") else top


def _imported(tree: ast.Module, module: str, *, is_package: bool) -> Iterator[str]:
    """Every mcdesk module a parsed file imports, relative imports resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield target
            # `from mcdesk import sync` names a package, not an attribute.
            yield from (f"{target}.{alias.name}" for alias in node.names)


def package_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """node → the nodes it imports, over every .py file under ``root``."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        source = _node(module)
        graph.setdefault(source, set())
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target in _imported(tree, module, is_package=path.name == "__init__.py"):
            if target.startswith("mcdesk.") and _node(target) != source:
                graph[source].add(_node(target))
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle as a path that starts and ends on the same node, or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in done and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done and (cycle := visit(start)) is not None:
            return cycle
    return None


def test_the_package_import_graph_has_no_cycle() -> None:
    graph = package_graph()
    assert {"protocol", "store", "content", "exam", "study", "sync", "ui", "server"} <= set(graph)
    assert find_cycle(graph) is None


def test_the_server_imports_no_station_package() -> None:
    station = {"ui", "cli", "startup", "sync", "demo", "exam", "study", "store", "station"}
    graph = package_graph()
    assert graph["server"] & station == set()
    assert all("server" not in graph[name] for name in station - {"cli"})


def test_the_cycle_finder_finds_a_cycle_two_packages_apart() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_reads_relative_and_lazy_imports(tmp_path: Path) -> None:
    package = tmp_path / "mcdesk"
    (package / "low").mkdir(parents=True)
    (package / "high").mkdir()
    (package / "__init__.py").write_text("")
    (package / "low" / "__init__.py").write_text("")
    (package / "high" / "__init__.py").write_text("")
    (package / "high" / "use.py").write_text("from ..low import thing\n")
    (package / "low" / "thing.py").write_text("def f():\n    from mcdesk.high import use\n")
    graph = package_graph(package)
    assert graph["high"] == {"low"}
    assert find_cycle(graph) == ["high", "low", "high"]
