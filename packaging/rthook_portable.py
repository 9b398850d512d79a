"""Runtime hook: portable mode for USB-stick installs.

If a folder named ``mcdesk-data`` sits beside the executable, all state goes there
(MCDESK_HOME), unless MCDESK_HOME is already set.
"""

import os
import sys
from pathlib import Path

_portable = Path(sys.executable).resolve().parent / "mcdesk-data"
if _portable.is_dir() and "MCDESK_HOME" not in os.environ:
    os.environ["MCDESK_HOME"] = str(_portable)
