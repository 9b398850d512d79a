"""PyInstaller entry script: the same entry point as the `mcdesk` command."""

import sys

from mcdesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
