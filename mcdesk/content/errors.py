"""Why a pack or its source was refused."""

from __future__ import annotations

from mcdesk.errors import McdeskError


class PackRefused(McdeskError):
    """A pack failed a check; nothing was written. The message says what and what to do."""


class SourceError(McdeskError):
    """A pack source folder cannot be built; the message names the file and the problem."""
