"""Scheduling policies, one plugin module each."""
