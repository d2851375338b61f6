"""Request and response bodies of the HTTP routes, by feature."""
