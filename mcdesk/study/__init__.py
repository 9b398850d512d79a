"""Progress and active time on content (the study issue)."""
