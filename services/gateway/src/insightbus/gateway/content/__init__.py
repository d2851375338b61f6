"""Uploading content to a session: the upload is parsed, recorded and handed to analysis."""
