"""Accounts, passwords and tokens (access + rotating refresh tokens in families)."""
