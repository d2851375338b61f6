"""What the gateway talks to outside itself: its collections, password hashing, the corpus."""
