"""Built-in plugins: schedulers, tracers, exporters and commands.

Each module here is registered exactly like a third-party plugin.
"""
