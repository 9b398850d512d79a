"""Stop PySide6 reading the source of every module imported after it.

PySide6 hooks ``import`` for its ``__feature__`` switches (snake_case, true_property;
mcdesk uses neither): each module imported after PySide6 goes through
``inspect.getsource`` to see whether its text names PySide6. That costs:

- the source of every such module kept in ``linecache``: ~24 MiB at sign-in;
- reading and splitting it, on whichever thread imports;
- worse, ``inspect.unwrap`` asks each module for ``__wrapped__``, which runs a module's
  ``__getattr__``. pydantic's imports more of pydantic; when that happens while the
  pool imports the study core and the GUI thread imports a screen, pydantic (or
  SQLAlchemy) meets its own half-initialised module and the import fails. A first run
  then stopped at "mcdesk cannot start: ImportError … partially initialized module
  'pydantic._internal._validators'"; ~1 in 5 two-thread imports of sqlmodel failed so.

``skip_source_scans`` answers "no" for every module without reading it, which is what
PySide6 answers for a module that does not name PySide6 ("ignore this module in
switching"); with no feature ever selected, that changes nothing for one that does.
"""

from __future__ import annotations

import sys
from types import ModuleType

_FEATURE_MODULE = "shibokensupport.feature"


def _names_pyside(module: ModuleType) -> bool:
    return False


def skip_source_scans() -> bool:
    """Call before the app's own imports; True if PySide6's scan was found and turned off."""
    import PySide6.QtCore  # noqa: F401  (installs the hook and its feature module)

    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False  # another PySide6 release: nothing to turn off, nothing broken
    feature._mod_uses_pyside = _names_pyside  # type: ignore[attr-defined]
    return True
