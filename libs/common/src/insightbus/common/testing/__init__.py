"""Real protocol servers for tests, started on loopback (no Docker needed)."""
