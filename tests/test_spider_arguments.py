"""`url` names the FTL the crawl reads, over http(s), and agrees with `event`/`round` when given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .fakeftl import FakeEvent, FakeFtlServer

REPO_ROOT = Path(__file__).resolve().parent.parent


def crawl_with(ftl: FakeFtlServer, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "pools", *arguments,
        "-s", f"FTL_BASE_URL={ftl.base_url}",
        "-s", f"HTTPCACHE_DIR={tmp_path / 'httpcache'}",
        "-O", str(tmp_path / "round.json"),
    ]  # fmt: skip
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("url_template", "extra", "expected"),
    [
        (
            "https://www.example.com/pools/scores/{event}/{round}",
            (),
            "ftl_scraper: error: url 'https://www.example.com/pools/scores/{event}/{round}' is not on "
            "{host}, the FTL this crawl reads (FTL_BASE_URL)",
        ),
        (
            "ftp://{host}/pools/scores/{event}/{round}",
            (),
            "ftl_scraper: error: url must be an http(s) FTL pools URL, got 'ftp://{host}/pools/scores/{event}/{round}'",
        ),
        (
            "{base}/pools/scores/{event}/{round}",
            ("-a", "round={event}"),
            "ftl_scraper: error: url carries round {round} but round= gives {event}: "
            "give the url alone, or event and round",
        ),
    ],
    ids=["other-host", "other-scheme", "conflicting-round"],
)
def test_a_url_that_is_not_this_ftls_pools_page_is_refused_before_any_request(
    url_template: str,
    extra: tuple[str, ...],
    expected: str,
    fake_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    tmp_path: Path,
) -> None:
    host = fake_ftl.base_url.split("://")[1]
    names = {"event": fake_event.event_id, "round": fake_event.pool_round_id, "host": host}
    url = url_template.format(base=fake_ftl.base_url, **names)
    extra = tuple(part.format(**names) for part in extra)

    completed = crawl_with(fake_ftl, tmp_path, "-a", f"url={url}", *extra)

    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == expected.format(**names)
    assert fake_ftl.requests == []
    assert not (tmp_path / "round.json").exists()


def test_a_url_that_agrees_with_event_and_round_is_accepted(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    url = f"{fake_ftl.base_url}/pools/scores/{fake_event.event_id}/{fake_event.pool_round_id}"

    completed = crawl_with(
        fake_ftl, tmp_path, "-a", f"url={url}", "-a", f"event={fake_event.event_id.lower()}"
    )

    assert completed.returncode == 0, completed.stderr


def test_crawl_help_lists_the_spider_arguments_and_exit_statuses() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "pools", "-h"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0
    for argument in ("event", "round", "url", "force_refresh", "partial"):
        assert f"-a {argument}=" in completed.stdout
    exit_lines = [
        line.split()[0] for line in completed.stdout.splitlines() if line[:3] in ("  0", "  1", "  2", "  3")
    ]
    assert exit_lines == ["0", "1", "2", "3"]
