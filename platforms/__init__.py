"""Built-in platform plugins.  Each uses only the public hook contract."""
