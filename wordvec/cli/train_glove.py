"""Placeholder: commands are added by their owner."""
