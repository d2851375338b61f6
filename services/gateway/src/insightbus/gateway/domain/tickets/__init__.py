"""Ticket files: the signing scheme, the CSV rules, the demo generator, a job's view."""
