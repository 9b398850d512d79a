"""Outbox event kinds that the station writes and the server reads by name."""

from __future__ import annotations

# A career-day kiosk's running totals for one day (visits, clusters viewed, tastes,
# points out of questions); the newest per station and day holds the day's count.
KIOSK_DAY_KIND = "kiosk_day"
