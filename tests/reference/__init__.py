"""Slow, obviously-correct numpy/Python twins of every kernel, for tests."""
