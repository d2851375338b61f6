"""A user's sessions; each also carries the analysis status of its latest upload."""
