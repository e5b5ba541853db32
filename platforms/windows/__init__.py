"""The windows platform plugin (being written)."""
