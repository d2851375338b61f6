"""Ticket classification jobs: signed CSV uploads in, classified tickets out."""
