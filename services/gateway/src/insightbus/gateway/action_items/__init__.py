"""A session's action items: the user's own, and those the analysis suggested."""
