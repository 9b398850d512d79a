"""The assessment engine: forms, timer, answers, incidents, scoring, sealing, unlock codes
(the assessment issue)."""
