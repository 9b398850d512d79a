"""The key combinations the locked assessment window holds back: the window manager's own
(Alt+F4, Alt+Tab, Meta), the clipboard's, closing and printing, and every function key.
"""

from __future__ import annotations

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

K, M = Qt.Key, Qt.KeyboardModifier
_META_KEYS = frozenset({K.Key_Meta, K.Key_Super_L, K.Key_Super_R, K.Key_Hyper_L, K.Key_Hyper_R})
_MODIFIER_KEYS = frozenset({K.Key_Shift, K.Key_Control, K.Key_Alt, K.Key_AltGr, K.Key_CapsLock})
_FUNCTION_KEYS = frozenset(K(K.Key_F1.value + n) for n in range(35))  # F1–F35: none needed
_ALONE = frozenset({K.Key_Escape, K.Key_Print, K.Key_SysReq, K.Key_Menu})
_WITH_ALT = frozenset({K.Key_F4, K.Key_Tab, K.Key_Backtab, K.Key_Escape, K.Key_Space})
_WITH_CTRL = frozenset(
    {K.Key_W, K.Key_Q, K.Key_C, K.Key_X, K.Key_V, K.Key_P, K.Key_Insert, K.Key_F4, K.Key_Escape}
)
_WITH_SHIFT = frozenset({K.Key_Insert, K.Key_Delete})  # paste and cut without Ctrl
# The platform's own bindings too (Cmd on macOS, Ctrl+F4 on Windows).
_STANDARD = tuple(
    getattr(QKeySequence.StandardKey, name)
    for name in ("Copy", "Cut", "Paste", "Print", "Close", "Quit", "FullScreen")
)


def _combo_name(key: Qt.Key, modifiers: Qt.KeyboardModifier) -> str:
    if key in _META_KEYS:
        return "Meta"
    if key == K.Key_Backtab:  # Shift+Tab arrives as its own key
        key = K.Key_Tab
    combo = QKeyCombination(modifiers & ~M.KeypadModifier, key)
    return QKeySequence(combo).toString(QKeySequence.SequenceFormat.PortableText)


def blocked_combo(event: QKeyEvent) -> str | None:
    """The name of a key combination the lockdown holds back ("Alt+F4"), or None."""
    key, mods = K(event.key()), event.modifiers()
    if key in _MODIFIER_KEYS:
        return None  # Shift or Ctrl on its own is the start of something else
    ctrl, alt = bool(mods & M.ControlModifier), bool(mods & M.AltModifier)
    name = _combo_name(key, mods)
    if key in _META_KEYS or mods & M.MetaModifier or key in _FUNCTION_KEYS or key in _ALONE:
        return name
    # AltGr arrives as Ctrl+Alt on Windows: "@" on a German keyboard is Ctrl+Alt+Q.
    if ctrl and alt and event.text().strip() and event.text().isprintable():
        return None
    if (alt and key in _WITH_ALT) or (ctrl and key in _WITH_CTRL):
        return name
    if mods & M.ShiftModifier and not (ctrl or alt) and key in _WITH_SHIFT:
        return name
    if any(event.matches(k) for k in _STANDARD):
        return name
    return None
