"""API keys and request-signing secrets: the credentials a user manages."""
