"""State that the crawls of one client share, handed to each crawler through its settings."""

from __future__ import annotations

from typing import Self


class SharedAcrossCrawls:
    """Base of objects that every crawler of a client must see as the same object.

    Scrapy deep-copies the settings of each crawler, which would give every crawl its own copy;
    these objects copy as themselves. All the crawls run on the reactor's thread, so the state
    needs no lock of its own.
    """

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        return self
