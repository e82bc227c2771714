"""Package attributes imported on first use, so importing one module of a package does not build them all."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that imports each public name from its home module on
    first use. A crawl needs a few of the project's models and parsers; building all of them
    (about 50 pydantic models) at every start cost tens of milliseconds."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(home), name)

    return __getattr__
