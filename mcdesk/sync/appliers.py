"""Every pull stream's applier, in the order a station pulls them.

Order matters: grants and accommodations name roster rows; pack keys are wrapped under
the exam key the code slots carry, so code slots come first.
"""

from __future__ import annotations

from mcdesk.protocol.streams import Stream
from mcdesk.sync.apply_accommodations import apply_accommodations
from mcdesk.sync.apply_allowances import apply_allowances
from mcdesk.sync.apply_announcements import apply_announcements
from mcdesk.sync.apply_badges import apply_badges
from mcdesk.sync.apply_codes import apply_code_slots, apply_pack_keys
from mcdesk.sync.apply_grants import apply_grants
from mcdesk.sync.apply_roster import apply_roster
from mcdesk.sync.content import apply_catalog
from mcdesk.sync.pull import Applier

STREAM_APPLIERS: dict[str, Applier] = {
    Stream.ROSTER: apply_roster,
    Stream.GRANTS: apply_grants,
    Stream.ACCOMMODATIONS: apply_accommodations,
    Stream.CODE_SLOTS: apply_code_slots,
    Stream.PACK_KEYS: apply_pack_keys,
    # The offer only: the round's content step downloads what it lists.
    Stream.CATALOG: apply_catalog,
    # Checked against the pinned server key; a bad badge is logged, never stored.
    Stream.BADGES: apply_badges,
    # A class's notices and due dates for its learners' home screen (names roster classes).
    Stream.ANNOUNCEMENTS: apply_announcements,
    # A teacher's extra attempt, waived review or cleared lockout (names roster learners).
    Stream.ALLOWANCES: apply_allowances,
}
