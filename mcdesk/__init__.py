"""mcdesk: offline-first career and technical education micro-credentials."""

__version__ = "0.1.0"
