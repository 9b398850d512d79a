"""Open Badges issuing, baking and verifying (the badge issue)."""
