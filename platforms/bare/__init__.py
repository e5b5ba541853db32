"""The bare platform plugin (being written)."""
