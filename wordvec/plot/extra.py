"""The optional `plot` extra: import its libraries on demand, or say in one line how to get them."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import MissingExtra

INSTALL = "pip install 'wordvec[plot]'"


def require(module: str, purpose: str = "plotting") -> ModuleType:
    """Import `module` (matplotlib, sklearn.manifold, ...) or raise MissingExtra naming the install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        name = {"sklearn": "scikit-learn"}.get(package, package)
        raise MissingExtra(f"{purpose} needs {name}, which is not installed: {INSTALL}") from None
