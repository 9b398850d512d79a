"""The "My badges" part of home: badges by career cluster, each issued one opens its page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from mcdesk.ui.cards import Card, text_label

if TYPE_CHECKING:
    from mcdesk.sync.wallet import HeldBadge, PendingBadge, Wallet

NO_BADGES = "No badges yet. Pass an assessment to earn your first one."


def issued_on(moment: str) -> str:
    """ "2 November 2026" from an ISO time; the text as given when it is not one."""
    try:
        when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return moment
    return f"{when.day} {when:%B %Y}"


def held_state(badge: HeldBadge) -> str:
    """The badge's state in words: revoked (with why), expired (since when) or issued."""
    if badge.revoked:
        return f"Revoked by the school: {badge.revoked_reason or 'no reason given'}"
    if badge.expired and badge.expires_at:
        return f"Expired on {issued_on(badge.expires_at)}"
    state = f"Issued {issued_on(badge.issued_at)}"
    if badge.expires_at:
        state += f" · valid until {issued_on(badge.expires_at)}"
    return state


class HeldBadgeCard(Card):
    """An issued, expired or revoked badge: title, dates, and the revocation reason in words."""

    def __init__(self, badge: HeldBadge) -> None:
        super().__init__()
        self.setObjectName("badgeCard")
        self.credential_id = badge.credential_id
        self.title = text_label(badge.title, name="cardTitle")
        self.body.addWidget(self.title)
        state = held_state(badge)
        # A revocation or an expiry in plain ink, never in the accent of a success.
        lapsed = badge.revoked or badge.expired
        self.state = text_label(state, name="" if lapsed else "muted")
        self.body.addWidget(self.state)
        self.setAccessibleName(f"Badge: {badge.title}")
        self.setAccessibleDescription(f"{state}. Open it to download or share it.")
        self.setToolTip("Open this badge")


def pending_panel(pending: PendingBadge) -> QFrame:
    """A pass still waiting for its badge: words, not a button, as there is nothing to open."""
    panel = QFrame()
    panel.setObjectName("notice")
    column = QVBoxLayout(panel)
    column.setContentsMargins(18, 12, 18, 12)
    column.addWidget(text_label(f"{pending.title} · Pending", name="cardTitle"))
    column.addWidget(text_label(pending.reason))
    return panel


def wallet_widgets(
    wallet: Wallet | None, *, open_badge: Callable[[str], None]
) -> tuple[list[QWidget], dict[str, HeldBadgeCard]]:
    """The widgets under "My badges", in reading order, and the badge cards by credential."""
    widgets: list[QWidget] = []
    cards: dict[str, HeldBadgeCard] = {}
    if wallet is None or not (wallet.pending or wallet.issued or wallet.revoked or wallet.expired):
        return [text_label(NO_BADGES, name="muted")], cards
    progress = {c.cluster: c for c in wallet.clusters}
    held = (*wallet.issued, *wallet.expired, *wallet.revoked)
    # Clusters in the order their first badge appears: issued, pending, expired, revoked.
    named = [b.career_cluster for b in wallet.issued] + [p.career_cluster for p in wallet.pending]
    clusters = list(dict.fromkeys(named + [b.career_cluster for b in held]))
    for cluster in clusters:
        group = progress.get(cluster)
        heading = group.words if group is not None else (cluster or "Other badges")
        widgets.append(text_label(heading, name="cardTitle"))
        for badge in (b for b in held if b.career_cluster == cluster):
            card = HeldBadgeCard(badge)
            card.clicked.connect(lambda _=False, cid=badge.credential_id: open_badge(cid))
            cards[badge.credential_id] = card
            widgets.append(card)
        for pending in (p for p in wallet.pending if p.career_cluster == cluster):
            widgets.append(pending_panel(pending))
        if group is not None and group.to_earn:
            widgets.append(text_label("Still to earn: " + ", ".join(group.to_earn), name="muted"))
    return widgets, cards
