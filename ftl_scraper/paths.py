"""Per-user folders the crawl keeps state in (HTTP cache, login session)."""

from __future__ import annotations

import os
from pathlib import Path


def _xdg_dir(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable)
    return Path(value) if value else Path.home() / fallback


def default_cache_dir() -> Path:
    """``$FTL_CACHE_DIR``, else ``$XDG_CACHE_HOME/ftl_scraper/httpcache``."""
    override = os.environ.get("FTL_CACHE_DIR")
    if override:
        return Path(override)
    return _xdg_dir("XDG_CACHE_HOME", ".cache") / "ftl_scraper" / "httpcache"


def default_state_dir() -> Path:
    """``$FTL_STATE_DIR``, else ``$XDG_STATE_HOME/ftl_scraper``."""
    override = os.environ.get("FTL_STATE_DIR")
    if override:
        return Path(override)
    return _xdg_dir("XDG_STATE_HOME", ".local/state") / "ftl_scraper"
