"""The process's own clients behind the one-call functions (``fetch_pools_bundle``)."""

from __future__ import annotations

import atexit
import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

from ftl_scraper.errors import ReactorUnavailableError
from ftl_scraper.run.client import FtlClient

logger = logging.getLogger(__name__)

_clients: dict[str, FtlClient] = {}
_clients_lock = threading.Lock()
#: why this process cannot crawl in-process, once that is known
_unavailable: ReactorUnavailableError | None = None


def default_client(settings: Mapping[str, Any] | None) -> FtlClient | None:
    """The process's client for these settings (one per distinct ``settings``, kept until the
    process exits); None where another reactor runs and only a child process can crawl."""
    global _unavailable
    # the key stays in memory, like the client's settings themselves
    key = json.dumps(dict(settings or {}), sort_keys=True, default=repr)
    with _clients_lock:
        if _unavailable is not None:
            return None
        if key not in _clients:
            try:
                _clients[key] = FtlClient(settings)
            except ReactorUnavailableError as error:
                _unavailable = error
                logger.info("Each crawl runs in a child process: %s", error)
                return None
        return _clients[key]


@atexit.register
def _close_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
