"""Crawl over a cassette in a test (record once, assert on the bundle forever), and the demo event.

@deferred_f_from_coro_f
async def test_pool_seven_has_a_medical_withdrawal() -> None:
    run = await crawl_cassette("demo", event=DEMO_EVENT_ID, round=DEMO_ROUND_ID)
    assert run.bundle["pools"][6]["fencers"][2]["status_label"] == "Medical Withdrawal"
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.crawling import CrawlRun, crawl_pools, crawl_tableau, project_settings
from tests.fakeftl import (
    EventPlan,
    FakeEvent,
    FakeTableau,
    FakeTournament,
    generate_event,
    generate_tableau,
    generate_tournament,
)
from tests.fakeftl.render import tableau_round_id

# a port nothing listens on: any request that escaped to the network would be refused
DEAD_PROXY = "http://127.0.0.1:9"


def go_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Route every later crawl's HTTP(S) requests to a dead proxy, so a replay that went out fails."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, DEAD_PROXY)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


def offline_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of a README command run offline: requests go to a dead proxy, and the
    default cache folder is a fresh one under ``tmp_path``."""
    env = {key: value for key, value in os.environ.items() if key.lower() != "no_proxy"}
    env |= {"http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("FTL_CACHE_DIR", None)
    return env


# The IDs of the demo event shipped as ftl_scraper/cassette/recordings/demo (the README's main command).
DEMO_EVENT_ID = "9CABEAEBA11F0F03B153FA889658645E"
DEMO_ROUND_ID = "5F313927C3AE7337DEE549EEBEC0B135"
# the DE round the demo event's Tableau tab links to
DEMO_TABLEAU_ID = tableau_round_id(DEMO_ROUND_ID)
# The demo tournament's schedule (shipped in the same cassette): the demo event is one of its events.
DEMO_TOURNAMENT_ID = "D3A0DE5A2026000000000000000000A1"


def demo_event() -> FakeEvent:
    """The demo event, invented: 32 pools (30 of 7, 2 of 6) with every feature FTL shows.

    V4/V3 wins, a Medical Withdrawal, a Failed to Appear, numeric strips with start times
    reused across two flights. scripts/make_demo_cassette.py records it into the package.
    """
    event = generate_event(seed=2026, pool_count=32, event_id=DEMO_EVENT_ID, pool_round_id=DEMO_ROUND_ID)
    event.tournament_name = "ftl_scraper Demo Open 2026 (invented data)"
    event.event_name = "Senior Women's Foil"
    event.event_time = "Saturday, April 18, 2026 9:00 AM"
    return event


def demo_tableau() -> FakeTableau:
    """The demo event's DE round, invented: a finished table of 64 (52 fencers, so 12 byes).

    Quarterfinals, club / country affiliations, referees and video referees, times and strips,
    a medical withdrawal. scripts/make_demo_cassette.py records it beside the pools.
    """
    return generate_tableau(
        seed=2026,
        size=64,
        entrants=52,
        event_id=DEMO_EVENT_ID,
        tableau_id=DEMO_TABLEAU_ID,
        quarterfinals=True,
    )


def demo_tournament() -> FakeTournament:
    """The demo tournament, invented: the demo event (one round and its tableau), an event of two
    pool rounds and a tableau, and one not started yet, over two days.
    scripts/make_demo_cassette.py records it too."""
    demo = demo_event()
    return generate_tournament(
        [
            EventPlan(
                rounds=[demo],
                tableau=demo_tableau(),
                name=demo.event_name,
                day="Saturday April 18, 2026",
                start_time="9:00 AM",
            ),
            EventPlan(
                rounds=2,
                name="Senior Men's Épée",
                day="Saturday April 18, 2026",
                start_time="1:30 PM",
                pool_count=6,
            ),
            EventPlan(
                rounds=0, name="Veteran Mixed Sabre", day="Sunday April 19, 2026", start_time="10:00 AM"
            ),
        ],
        seed=2026,
        name=demo.tournament_name,
        tournament_id=DEMO_TOURNAMENT_ID,
        date_range="April 18 - 19, 2026",
    )


async def crawl_cassette(
    cassette: str | Path,
    *,
    mode: str = "replay",
    settings: dict[str, Any] | None = None,
    **spider_arguments: Any,
) -> CrawlRun:
    """One whole in-process crawl with ``FTL_CASSETTE=cassette`` (a folder or a shipped name).

    Replay needs no server: the default ``FTL_BASE_URL`` is kept, nothing goes out. To record,
    pass ``mode="record"`` and ``settings={"FTL_BASE_URL": server.base_url, ...}``.
    """
    overrides: dict[str, Any] = {
        "FTL_CASSETTE": str(cassette),
        "FTL_CASSETTE_MODE": mode,
        "LOG_LEVEL": "INFO",
    }
    overrides.update(settings or {})
    if "tableau" in spider_arguments:
        return await crawl_tableau(project_settings(**overrides), **spider_arguments)
    return await crawl_pools(project_settings(**overrides), **spider_arguments)
