"""The one base of the errors a person can act on, and the process exit codes.

An ``McdeskError``'s text is written for the user (what went wrong and what to do);
the command line prints it and exits with ``EXIT_REFUSED``. Any other exception is a bug.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1  # an McdeskError: refused, invalid input, not verified, failed self-test
EXIT_USAGE = 2  # bad arguments (argparse's own code), or a mode this build does not offer


class McdeskError(Exception):
    """Something the user can act on; ``str(error)`` says what and, where it can, how."""
