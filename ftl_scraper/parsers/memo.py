"""The latest parse of each page, kept with its content's digest: a client polling a round re-reads
pages that mostly did not change. The (frozen) models returned are shared between callers."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from ftl_scraper.models import Pool, PoolResults
from ftl_scraper.parsers.pool_html import parse_pool_html
from ftl_scraper.parsers.pool_results import parse_pool_results

_Model = TypeVar("_Model", Pool, PoolResults)
#: pages kept; a 200-pool round fits, and a few hundred models are a few MB at most
MAX_REMEMBERED_PAGES = 512


class _ParsedPages:
    """One parse per page (a pool, a round's results), the latest: a page that changed does not
    change back, so its earlier versions are dropped (a day-long watch sees hundreds of them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # clients in several threads, CLI and tests alike
        self._latest: OrderedDict[tuple[str, ...], tuple[str, Pool | PoolResults]] = OrderedDict()

    def get_or_parse(self, page: tuple[str, ...], digest: str, parse: Callable[[], _Model]) -> _Model:
        with self._lock:
            remembered = self._latest.get(page)
            if remembered is not None and remembered[0] == digest:
                self._latest.move_to_end(page)
                return remembered[1]  # type: ignore[return-value]
        parsed = parse()  # a page that does not parse raises, and is not remembered
        with self._lock:
            self._latest[page] = (digest, parsed)
            self._latest.move_to_end(page)
            if len(self._latest) > MAX_REMEMBERED_PAGES:
                self._latest.popitem(last=False)
        return parsed


_pages = _ParsedPages()


def _digest(content: str | bytes) -> str:
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def parse_pool_html_once(html: str, pool_id: str | None = None) -> Pool:
    """``parse_pool_html``, remembered for the same ``html`` and ``pool_id``."""
    return _pages.get_or_parse(("pool", pool_id or ""), _digest(html), lambda: parse_pool_html(html, pool_id))


def parse_pool_results_once(body: str | bytes, event_id: str, pool_round_id: str) -> PoolResults:
    """``parse_pool_results``, remembered for the same body, event and round."""
    page = ("results", event_id, pool_round_id)
    return _pages.get_or_parse(page, _digest(body), lambda: parse_pool_results(body, event_id, pool_round_id))
