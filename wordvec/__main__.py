"""`python -m wordvec` runs the command line."""

from .cli import console

console()
