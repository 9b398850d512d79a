"""Entry point: subcommands go to the command line, everything else opens the app."""

from __future__ import annotations

import sys
from collections.abc import Sequence

CLI_COMMANDS = {
    "keys",
    "pack",
    "catalog",
    "teacher",
    "server",
    "sync",
    "admin",
    "badge",
    "station",
    "--version",
    "-h",
    "--help",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["teacher", "code-sheet"] and not {"-h", "--help"} & set(args):
        # A PDF needs Qt, which the command line (mcdesk.cli) must not import.
        from mcdesk.ui.code_sheet import main as code_sheet_main

        return int(code_sheet_main(args[2:]))
    if args and args[0] in CLI_COMMANDS:
        from mcdesk.cli import main as cli_main

        return cli_main(args)
    from mcdesk.ui.pyside_imports import skip_source_scans

    skip_source_scans()  # before the app's own imports (see mcdesk/ui/pyside_imports.py)
    from mcdesk.ui.app import main as app_main

    return int(app_main(args))


if __name__ == "__main__":
    sys.exit(main())
