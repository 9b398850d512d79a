"""What each learner studied, kept up to date as events arrive (the Progress grid reads it)."""
