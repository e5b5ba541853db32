"""The unix platform plugin (being written)."""
