"""The shared-crawl settings, checked before a crawl starts (Redis is imported only when asked for)."""

from __future__ import annotations

from typing import Any

from ftl_scraper.errors import InvalidArgumentError


def is_shared_crawl(settings: Any) -> bool:
    return settings.get("FTL_SCHEDULER") == "redis"


def check_shared_crawl_settings(settings: Any) -> None:
    """``FTL_SCHEDULER`` is unset or ``redis``, and then ``REDIS_URL`` answers: checked before the
    crawl, so a typo or a Redis that is down is one line, not a crawl that runs alone."""
    scheduler = settings.get("FTL_SCHEDULER")
    if scheduler in (None, ""):
        return
    if scheduler != "redis":
        raise InvalidArgumentError(f"FTL_SCHEDULER must be 'redis' or unset, got {scheduler!r}")
    try:
        # the redis extra is optional: a plain install never imports it
        from ftl_scraper.distributed.redis_crawl import connect
    except ImportError as error:
        raise InvalidArgumentError(
            f"FTL_SCHEDULER=redis needs the redis extra ({error.name} is missing): "
            "pip install 'ftl_scraper[redis]'"
        ) from None
    connect(settings.get("REDIS_URL")).close()
