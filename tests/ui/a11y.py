"""What a screen reader is told: a widget's accessible tree through Qt's own interfaces.

Qt's AT-SPI bridge (Linux) reads these same interfaces: a node is "showing" when its
state is neither invisible nor offscreen, and children come in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QWidget

Role = QAccessible.Role
NAME, DESCRIPTION = QAccessible.Text.Name, QAccessible.Text.Description
# Things a learner acts on: each must say what it is.
CONTROLS = frozenset(
    {
        Role.PushButton,
        Role.RadioButton,
        Role.CheckBox,
        Role.EditableText,
        Role.List,
        Role.ComboBox,
        Role.Link,
    }
)


@dataclass(frozen=True, slots=True)
class Node:
    depth: int
    role: QAccessible.Role
    name: str
    description: str
    showing: bool

    def __str__(self) -> str:
        shown = "" if self.showing else " (hidden)"
        return f"{'  ' * self.depth}{self.role.name} “{self.name}”{shown}"


def _node(interface: QAccessibleInterface, depth: int) -> Node:
    state = interface.state()
    return Node(
        depth=depth,
        role=interface.role(),
        name=interface.text(NAME) or "",
        description=interface.text(DESCRIPTION) or "",
        showing=not (state.invisible or state.offscreen),
    )


def accessible_tree(widget: QWidget) -> list[Node]:
    """Every node under ``widget``, depth first in reading order (the widget first)."""
    root = QAccessible.queryAccessibleInterface(widget)
    assert root is not None, f"no accessible interface for {widget}"
    nodes: list[Node] = []
    pending: list[tuple[QAccessibleInterface, int]] = [(root, 0)]
    while pending:
        interface, depth = pending.pop()
        nodes.append(_node(interface, depth))
        children = [interface.child(i) for i in range(interface.childCount())]
        pending.extend((child, depth + 1) for child in reversed(children) if child is not None)
    return nodes


def unnamed_controls(nodes: list[Node]) -> list[str]:
    """Controls on screen with no name: a screen reader would say only their kind."""
    return [str(n).strip() for n in nodes if n.showing and n.role in CONTROLS and not n.name]


def showing(nodes: list[Node], *, role: QAccessible.Role) -> list[str]:
    return [n.name for n in nodes if n.showing and n.role == role]


def dump(nodes: list[Node]) -> str:
    """The tree as text, for a failing test's message."""
    return "\n".join(str(n) for n in nodes)
