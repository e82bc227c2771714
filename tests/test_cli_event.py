"""``scrapy crawl event`` and ``scrapy crawl tournament`` as users run them: exit status, stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakeftl import EventPlan, FakeFtlServer, FakeTournament, Status, generate_tournament

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tournament() -> FakeTournament:
    return generate_tournament([EventPlan(rounds=2), EventPlan(rounds=1), EventPlan(rounds=0)], seed=55)


@pytest.fixture
def ftl(fake_ftl: FakeFtlServer, tournament: FakeTournament) -> FakeFtlServer:
    fake_ftl.add_tournament(tournament)
    return fake_ftl


def scrapy_crawl(
    ftl: FakeFtlServer, tmp_path: Path, spider: str, *arguments: str
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, *arguments,
        "-s", f"FTL_BASE_URL={ftl.base_url}",
        "-s", f"HTTPCACHE_DIR={tmp_path / 'httpcache'}",
    ]  # fmt: skip
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("ftl_scraper: error")]


def test_a_url_of_another_site_exits_2_before_any_request(
    ftl: FakeFtlServer, tournament: FakeTournament, tmp_path: Path
) -> None:
    url = f"https://www.example.org/events/view/{tournament.events[0].event_id}"

    completed = scrapy_crawl(ftl, tmp_path, "event", "-a", f"url={url}")

    assert completed.returncode == 2
    assert error_lines(completed.stderr) == [
        f"ftl_scraper: error: url must be on 127.0.0.1:{ftl.port} (FTL_BASE_URL), got {url!r}: "
        "the crawl contacts no other site"
    ]
    assert "Traceback" not in completed.stderr
    assert ftl.requests == []


def test_the_pools_spider_points_an_event_url_to_the_event_spider(
    ftl: FakeFtlServer, tournament: FakeTournament, tmp_path: Path
) -> None:
    url = ftl.url(f"/events/results/{tournament.events[0].event_id}")

    completed = scrapy_crawl(ftl, tmp_path, "pools", "-a", f"url={url}")

    assert completed.returncode == 2
    [line] = error_lines(completed.stderr)
    assert "url is an event page, which the pools spider does not crawl: use 'scrapy crawl event" in line


def test_a_tournament_with_a_failing_event_exits_3_keeping_every_event(
    ftl: FakeFtlServer, tournament: FakeTournament, tmp_path: Path
) -> None:
    failing = tournament.events[1]
    ftl.add_fault(f"/events/results/data/{failing.event_id}", Status(500), forever=True)
    output = tmp_path / "tournament.jsonl"

    completed = scrapy_crawl(
        ftl, tmp_path, "tournament", "-a", f"tournament={tournament.tournament_id}",
        "-s", "FTL_RETRY_BACKOFF_BASE=0.01", "-O", str(output),
    )  # fmt: skip

    assert completed.returncode == 3, completed.stderr
    items = {item["event_id"]: item for item in map(json.loads, output.read_text().splitlines())}
    assert [items[e.event_id]["complete"] for e in tournament.events] == [True, False, True]
    assert "ftl_scraper: 3/3 events done" in completed.stderr
    assert "3 events (1 incomplete)" in completed.stderr
    [line] = [line for line in completed.stderr.splitlines() if line.startswith("ftl_scraper: every event")]
    assert line.startswith("ftl_scraper: every event written, some with errors: FTL answered HTTP 500 (")
