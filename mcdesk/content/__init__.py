"""Content packs: format, build, verify, import, catalog and search."""
