"""Safety checks that run on every message before any other understanding."""
