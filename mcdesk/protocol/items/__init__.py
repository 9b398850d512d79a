"""Assessment and self-check items: one module per item type, and the registry over them.

Each type is a frozen model parsed from the item's JSON (checked by the pack schema at
verification) that owns its key check (``problems``), its scoring (``score``) and its
key in words (``answer_text``). Callers go through mcdesk.protocol.items.registry, never a
switch over the type string.
"""
