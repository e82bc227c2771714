"""``scrapy crawl pools`` as users run it (a child process): exit status, stderr, the output file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ftl_scraper import fetch_pools_bundle
from ftl_scraper.errors import FetchError

from .fakeftl import Delay, FakeEvent, FakeFtlServer, Fault, Redirect, Status

REPO_ROOT = Path(__file__).resolve().parent.parent


def scrapy_crawl(
    ftl: FakeFtlServer, tmp_path: Path, *arguments: str, output: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "pools", *arguments,
        "-s", f"FTL_BASE_URL={ftl.base_url}",
        "-s", f"HTTPCACHE_DIR={tmp_path / 'httpcache'}",
        "-s", "FTL_RETRY_BACKOFF_BASE=0.05",
        "-s", "DOWNLOAD_TIMEOUT=0.5",
    ]  # fmt: skip
    if output is not None:
        command += ["-O", f"{output}:json"]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)


def ids(event: FakeEvent) -> tuple[str, ...]:
    return ("-a", f"event={event.event_id}", "-a", f"round={event.pool_round_id}")


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("ftl_scraper: ")]


def pools_path(event: FakeEvent) -> str:
    return f"/pools/scores/{event.event_id}/{event.pool_round_id}"


def results_path(event: FakeEvent) -> str:
    return f"/pools/results/data/{event.event_id}/{event.pool_round_id}"


def test_a_normal_run_exits_0_with_a_short_summary(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    output = tmp_path / "round.json"
    completed = scrapy_crawl(fake_ftl, tmp_path, *ids(fake_event), output=output)

    assert completed.returncode == 0, completed.stderr
    assert json.loads(output.read_text()) == [fake_event.expected_bundle()]
    summary = (
        f"pools crawl finished for event {fake_event.event_id} round {fake_event.pool_round_id}: "
        f"{len(fake_event.pools)} pools fetched, 0 retries, 0 cache hits, 0 errors; "
        f"bundle written to {output}"
    )
    assert completed.stderr.rstrip().endswith(summary)
    for chatter in ("Overridden settings", "Enabled downloader middlewares", "Dumping Scrapy stats"):
        assert chatter not in completed.stderr
    assert error_lines(completed.stderr) == []


def test_log_level_debug_still_shows_everything(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Status(503))
    completed = scrapy_crawl(fake_ftl, tmp_path, *ids(fake_event), "-L", "DEBUG")

    assert completed.returncode == 0, completed.stderr
    for detail in (
        "Enabled downloader middlewares",
        "Dumping Scrapy stats",
        "Crawled (200)",
        "Waiting 0.",  # the backoff before the retry of the 503
    ):
        assert detail in completed.stderr
    assert "1 retry" in completed.stderr


# (which page fails, how, what the error line says, whether an older output file exists)
FAILURES = [
    pytest.param(
        "pool",
        Status(500),
        "FTL answered HTTP 500 (event {event}, round {round}, pool {pool}, {url})",
        True,
        id="pool-500-over-existing-output",
    ),
    pytest.param(
        "pool",
        Redirect("/account/login?r=L3Bvb2xz"),
        "FTL requires login",
        False,
        id="login-wall-no-output",
    ),
    pytest.param(
        "everything",
        Status(503),
        "FTL is not answering: 5 failed attempts in a row from 127.0.0.1:",
        True,
        id="ftl-down-over-existing-output",
    ),
]


@pytest.mark.parametrize(("where", "fault", "message", "had_output"), FAILURES)
def test_a_failure_exits_1_with_one_line_and_leaves_the_output_alone(
    fake_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    tmp_path: Path,
    where: str,
    fault: Fault,
    message: str,
    had_output: bool,
) -> None:
    pool_id = fake_event.pool_ids[3]
    pool_url = fake_ftl.url(f"{pools_path(fake_event)}/{pool_id}?dbut=true")
    matcher = {
        "pool": f"{pools_path(fake_event)}/{pool_id}",
        "results": results_path(fake_event),
        "everything": "/",
    }[where]
    fake_ftl.add_fault(matcher, fault, forever=True)
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    output = output_dir / "round.json"
    if had_output:
        output.write_text('["the previous, good bundle"]')

    completed = scrapy_crawl(fake_ftl, tmp_path, *ids(fake_event), output=output)

    assert completed.returncode == 1, completed.stderr
    [line] = error_lines(completed.stderr)
    assert line == completed.stderr.rstrip().splitlines()[-1]
    assert line.startswith("ftl_scraper: error: ")
    expected = message.format(
        event=fake_event.event_id, round=fake_event.pool_round_id, pool=pool_id, url=pool_url
    )
    assert expected in line
    assert f"event {fake_event.event_id}, round {fake_event.pool_round_id}" in line
    assert fake_ftl.base_url in line  # the URL that failed
    # untouched, and no temporary file left beside it
    expected_files = ["round.json"] if had_output else []
    assert sorted(path.name for path in output_dir.iterdir()) == expected_files
    if had_output:
        assert output.read_text() == '["the previous, good bundle"]'


def test_partial_mode_exits_3_and_writes_an_incomplete_bundle(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    pool_id = fake_event.pool_ids[3]
    fake_ftl.add_fault(f"{pools_path(fake_event)}/{pool_id}", Status(500), forever=True)
    output = tmp_path / "round.json"
    completed = scrapy_crawl(fake_ftl, tmp_path, *ids(fake_event), "-a", "partial=1", output=output)

    assert completed.returncode == 3, completed.stderr
    [line] = error_lines(completed.stderr)
    assert line.startswith("ftl_scraper: partial bundle written: FTL answered HTTP 500 (")
    [bundle] = json.loads(output.read_text())
    assert bundle["complete"] is False
    assert [error["pool_id"] for error in bundle["errors"]] == [pool_id]
    assert len(bundle["pools"]) == len(fake_event.pools) - 1


def test_a_bad_argument_exits_2_before_any_request(fake_ftl: FakeFtlServer, tmp_path: Path) -> None:
    completed = scrapy_crawl(fake_ftl, tmp_path, "-a", "event=" + "A" * 32, "-a", "round=nope")

    assert completed.returncode == 2
    assert error_lines(completed.stderr) == [
        "ftl_scraper: error: round must be a 32-character hexadecimal FTL ID, got 'nope'"
    ]
    assert fake_ftl.requests == []


@pytest.mark.parametrize(
    ("setting", "line"),
    [
        (
            "FTL_CASSETTE_MODE=sideways",
            "FTL_CASSETTE_MODE must be one of replay, record, new_episodes, once; got 'sideways'",
        ),
        ("FTL_RETRY_AFTER_MAX=abc", "FTL_RETRY_AFTER_MAX must be a valid number, got 'abc'"),
        (
            "CONCURRENT_REQUESTS_PER_DOMAIN=0",
            "CONCURRENT_REQUESTS_PER_DOMAIN must be greater than or equal to 1, got '0'",
        ),
        (
            "FTL_PASSWORD=hunter2",
            "FTL_PASSWORD must not be given on the command line (it would stay in the shell history "
            "and in the process list): set the FTL_PASSWORD environment variable instead",
        ),
    ],
    ids=["cassette-mode", "retry-after", "per-domain-cap", "password"],
)
def test_a_bad_setting_exits_2_in_one_line_before_any_request(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, setting: str, line: str
) -> None:
    output = tmp_path / "round.json"
    output.write_text('["the previous, good bundle"]')
    if setting.startswith("FTL_PASSWORD="):
        # refused even with every page in the cache, where no request would need the password
        assert scrapy_crawl(fake_ftl, tmp_path, *ids(fake_event)).returncode == 0
        fake_ftl.reset()

    completed = scrapy_crawl(fake_ftl, tmp_path, *ids(fake_event), "-s", setting, output=output)

    assert completed.returncode == 2
    assert error_lines(completed.stderr) == [f"ftl_scraper: error: {line}"]
    assert "Traceback" not in completed.stderr
    assert fake_ftl.requests == []
    assert output.read_text() == '["the previous, good bundle"]'
    # untouched, and no temporary file beside it
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != "httpcache") == ["round.json"]


def test_an_unknown_spider_exits_2_naming_the_known_ones(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "scrapy", "crawl", "nosuchspider", "-O", f"{tmp_path / 'out.json'}:json"]
    completed = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert completed.returncode == 2
    [line] = error_lines(completed.stderr)
    assert line.startswith("ftl_scraper: error: unknown spider 'nosuchspider' (known: ")
    assert "pools" in line.split("(known: ")[1].rstrip(")").split(", ")
    assert "Traceback" not in completed.stderr
    assert list(tmp_path.iterdir()) == []


def test_fetch_pools_bundle_timeout_applies_to_that_call(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(results_path(fake_event), Delay(5), forever=True)
    settings = {
        "FTL_BASE_URL": fake_ftl.base_url,
        "HTTPCACHE_DIR": str(tmp_path / "httpcache"),
        "FTL_RETRY_BACKOFF_BASE": 0.05,
    }
    with pytest.raises(FetchError) as raised:
        fetch_pools_bundle(fake_event.event_id, fake_event.pool_round_id, timeout=0.2, settings=settings)

    assert str(raised.value).startswith("FTL did not answer in time after 0.2 s (event ")
    assert raised.value.url == fake_ftl.url(results_path(fake_event))
