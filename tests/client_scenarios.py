"""The clients exercised in a child process of ``tests/test_client.py`` (no test reactor there):
it prints one JSON report, which the tests check against the stand-in FTL's ground truth."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ftl_scraper import AsyncFtlClient, FtlClient, FtlError, fetch_pools_bundle
from tests.fakeftl import (
    EventPlan,
    FakeEvent,
    FakeFtlServer,
    FakeTableau,
    FakeTournament,
    Status,
    generate_event,
    generate_tableau,
    generate_tournament,
)
from tests.fakeftl.server import Delay

ACCOUNT, PASSWORD = "coach@example.com", "s3cret-pw-0192"
#: the events the scenarios crawl; the test process generates the same ones as ground truth
EVENT_SEEDS = {"main": (11, 24), "second": (12, 9)}


def tableau() -> FakeTableau:
    return generate_tableau(seed=21, size=8, team=True)


def tournament() -> FakeTournament:
    return generate_tournament([EventPlan(rounds=2), EventPlan(rounds=0)], seed=44)


def events() -> dict[str, FakeEvent]:
    return {name: generate_event(seed=seed, pool_count=pools) for name, (seed, pools) in EVENT_SEEDS.items()}


def _error(error: BaseException) -> dict[str, Any]:
    return {
        "type": type(error).__name__,
        "is_ftl_error": isinstance(error, FtlError),
        "message": str(error),
        **{name: getattr(error, name, None) for name in ("status", "pool_id", "event_id", "pool_round_id")},
    }


def _logging_state() -> dict[str, Any]:
    names = ["", "scrapy", "scrapy.core.engine", "scrapy.middleware", "scrapy.crawler", "twisted"]
    return {
        name or "root": [logging.getLogger(name).level, len(logging.getLogger(name).handlers)]
        for name in names
    }


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the stand-in never saw the request")
        time.sleep(0.01)


def _reactor_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "ftl-reactor")


def run(workdir: Path) -> dict[str, Any]:
    fake = events()
    main, second = fake["main"], fake["second"]
    report: dict[str, Any] = {"logging_before": _logging_state()}
    bracket = tableau()
    with FakeFtlServer(main, second, latency=0.05, tableaus=[bracket]) as server:
        settings = {"FTL_BASE_URL": server.base_url, "HTTPCACHE_DIR": str(workdir / "cache")}
        path_of_pool = f"/pools/scores/{main.event_id}/{main.pool_round_id}/{main.pool_ids[3]}"

        with FtlClient(settings) as client:
            report["reactor_threads_open"] = _reactor_threads()
            bundle = client.pools(main.event_id, main.pool_round_id)
            report["first"] = {"bundle": bundle.model_dump(mode="json"), "requests": len(server.requests)}
            server.reset()
            refreshed = client.pools(main.event_id, main.pool_round_id, force_refresh=True)
            report["refreshed"] = {
                "bundle": refreshed.model_dump(mode="json"),
                "requests": len(server.requests),
                "connections_opened": server.connections_opened,
            }
            server.reset()
            again = client.pools(main.event_id, main.pool_round_id)
            report["cached"] = {"bundle": again.model_dump(mode="json"), "requests": len(server.requests)}

            server.reset()
            server.add_fault(path_of_pool, Status(404))
            try:
                client.pools(main.event_id, main.pool_round_id, force_refresh=True)
            except Exception as error:
                report["failed"] = _error(error)
            server.reset()
            after = client.pools(second.event_id, second.pool_round_id)
            report["after_failure"] = after.model_dump(mode="json")
            report["tableau"] = client.tableau(bracket.event_id, bracket.tableau_id).model_dump(mode="json")

            server.reset()
            server.add_fault(path_of_pool, Delay(1.5))
            try:
                client.pools(main.event_id, main.pool_round_id, force_refresh=True, timeout=0.3)
            except Exception as error:
                report["timed_out"] = _error(error)
            server.reset()

            # closing the client stops a call that another thread is waiting for
            server.add_fault(path_of_pool, Delay(1.5))
            with ThreadPoolExecutor(1) as other_thread:
                pending = other_thread.submit(
                    client.pools, main.event_id, main.pool_round_id, force_refresh=True
                )
                _wait_for(lambda: server.hits(path_of_pool) > 0)
                client.close()
                try:
                    pending.result()
                except Exception as error:
                    report["closed_during_call"] = _error(error)
            server.reset()

        report["reactor_threads_closed"] = _reactor_threads()

        # a new client over the cache the first one wrote: its first call reads the pages from
        # disk, its later calls from its memory
        server.reset()
        with FtlClient(settings) as client:
            report["from_disk_then_memory"] = {
                "bundles": [
                    client.pools(main.event_id, main.pool_round_id).model_dump(mode="json") for _ in range(3)
                ],
                "requests": len(server.requests),
            }
        server.reset()
        try:
            FtlClient({**settings, "FTL_CIRCUIT_BREAKER_THRESHOLD": -3})
        except Exception as error:
            report["bad_setting"] = {**_error(error), "requests": len(server.requests)}
        try:
            client.pools(main.event_id, main.pool_round_id)
        except Exception as error:
            report["after_close"] = _error(error)

        # one cap for all the threads of a client: 2 in flight at most, not 2 per call
        with FtlClient({**settings, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}) as client:
            server.reset()
            with ThreadPoolExecutor(4) as threads:
                calls = [
                    threads.submit(client.pools, main.event_id, main.pool_round_id, force_refresh=True)
                    for _ in range(4)
                ]
                bundles = [call.result().model_dump(mode="json") for call in calls]
            report["threads"] = {
                "bundles": bundles,
                "requests": len(server.requests),
                "peak_in_flight": server.peak_in_flight,
            }

        async def crawl_from_asyncio() -> list[dict[str, Any]]:
            async with AsyncFtlClient(settings) as client:
                bundles = await asyncio.gather(
                    client.pools(main.event_id, main.pool_round_id, force_refresh=True),
                    client.pools(second.event_id, second.pool_round_id, force_refresh=True),
                )
            return [bundle.model_dump(mode="json") for bundle in bundles]

        server.reset()
        report["async"] = asyncio.run(crawl_from_asyncio())
        report["reactor_threads_after_async"] = _reactor_threads()

        # one login for all the calls of a client, also when they start at once
        server.reset()
        server.require_login = True
        server.accounts[ACCOUNT] = PASSWORD
        everything = _Records()
        root = logging.getLogger()
        root.addHandler(everything)
        root.setLevel(logging.DEBUG)
        login_settings = {**settings, "FTL_USERNAME": ACCOUNT, "FTL_PASSWORD": PASSWORD}
        with FtlClient(login_settings) as client, ThreadPoolExecutor(3) as threads:
            calls = [
                threads.submit(client.pools, main.event_id, main.pool_round_id, force_refresh=True)
                for _ in range(3)
            ]
            login_bundles = [call.result().model_dump(mode="json") for call in calls]
        root.removeHandler(everything)
        root.setLevel(logging.WARNING)
        report["login"] = {
            "bundles": login_bundles,
            "logins": server.login_count,
            "password_logged": any(PASSWORD in message for message in everything.messages),
            "records": len(everything.messages),
        }

        server.reset()
        api_log = _Records()
        logging.getLogger("ftl_scraper.run.default_clients").addHandler(api_log)
        report["fetch_pools_bundle"] = fetch_pools_bundle(
            main.event_id, main.pool_round_id, settings=settings
        )
        report["fetch_pools_bundle_requests"] = len(server.requests)
        report["fetch_pools_bundle_log"] = api_log.messages
    schedule = tournament()
    with FakeFtlServer() as event_server:
        event_server.add_tournament(schedule)
        event_settings = {"FTL_BASE_URL": event_server.base_url, "HTTPCACHE_DIR": str(workdir / "cache")}
        with FtlClient(event_settings) as client:
            report["event"] = client.event(schedule.events[0].event_id).model_dump(mode="json")
            whole = client.tournament(schedule.tournament_id)
            report["tournament"] = [item.model_dump(mode="json") for item in whole]
    report["logging_after"] = _logging_state()
    return report


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ftl-client-") as workdir:
        report = run(Path(workdir))
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
