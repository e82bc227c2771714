"""Ctrl-C and SIGTERM: one line, no request after the signal, in-flight pages abandoned, nothing written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ftl_scraper import fetch_pools_bundle
from ftl_scraper.errors import FetchError

from .fakeftl import Delay, FakeEvent, FakeFtlServer
from .fakeftl.tournament import EventPlan, generate_tournament

REPO_ROOT = Path(__file__).resolve().parent.parent
# Pool pages that would take ten minutes, under a download timeout of five: a crawl that waited
# for its transfers instead of abandoning them would not end before the test gives up on it.
SLOW_PAGE = Delay(600)
PATIENT_TIMEOUT = "300"
GIVE_UP_AFTER = 60  # seconds: a hung crawl fails the test instead of hanging the suite


def pool_fragments(event: FakeEvent) -> str:
    return f"/pools/scores/{event.event_id}/{event.pool_round_id}/"


def start_crawl(ftl: FakeFtlServer, event: FakeEvent, output: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "pools",
        "-a", f"event={event.event_id}", "-a", f"round={event.pool_round_id}",
        "-s", f"FTL_BASE_URL={ftl.base_url}",
        "-s", "HTTPCACHE_ENABLED=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", f"DOWNLOAD_TIMEOUT={PATIENT_TIMEOUT}",
        "-O", str(output),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_until_pool_pages_hang(ftl: FakeFtlServer, in_flight: int = 2) -> int:
    """Wait until the two slow pool pages fill FTL's slots (the rest queued); return requests so far."""
    for _ in range(GIVE_UP_AFTER * 20):
        if ftl.in_flight >= in_flight:
            return len(ftl.requests)
        time.sleep(0.05)
    raise AssertionError("the crawl never reached the slow pool pages")


def stderr_once_ended(crawl: subprocess.Popen[bytes]) -> bytes:
    """The crawl's stderr once it exits; a crawl still running after GIVE_UP_AFTER is killed."""
    try:
        _, stderr = crawl.communicate(timeout=GIVE_UP_AFTER)
    except subprocess.TimeoutExpired:
        crawl.kill()
        crawl.communicate()
        raise
    return stderr


def ftl_lines(stderr: bytes) -> list[str]:
    return [line for line in stderr.decode().splitlines() if line.startswith("ftl_scraper: ")]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_crawl_at_once_and_writes_nothing(
    signum: signal.Signals, fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    output = tmp_path / "round.json"
    output.write_text("previous bundle")
    fake_ftl.add_fault(pool_fragments(fake_event), SLOW_PAGE, forever=True)
    crawl = start_crawl(fake_ftl, fake_event, output)
    requests_before_the_signal = wait_until_pool_pages_hang(fake_ftl)

    crawl.send_signal(signum)
    stderr = stderr_once_ended(crawl)

    assert crawl.returncode == 1
    name = signal.Signals(signum).name
    assert ftl_lines(stderr) == [
        f"ftl_scraper: stopping ({name}): no new request is sent and nothing is written; "
        "press Ctrl-C again to stop at once",
        f"ftl_scraper: error: stopped by {name} before the crawl finished; nothing written",
    ]
    assert "Traceback" not in stderr.decode()
    assert len(fake_ftl.requests) == requests_before_the_signal  # the queued pool pages never went out
    assert output.read_text() == "previous bundle"
    assert sorted(os.listdir(tmp_path)) == ["round.json"]


def test_a_second_signal_stops_at_once_and_says_why(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.add_fault(pool_fragments(fake_event), SLOW_PAGE, forever=True)
    crawl = start_crawl(fake_ftl, fake_event, tmp_path / "round.json")
    wait_until_pool_pages_hang(fake_ftl)

    crawl.send_signal(signal.SIGINT)
    crawl.send_signal(signal.SIGINT)
    stderr = stderr_once_ended(crawl)

    assert crawl.returncode == 1
    assert (
        ftl_lines(stderr)[-1]
        == "ftl_scraper: error: stopped by SIGINT before the crawl finished; nothing written"
    )
    assert "Traceback" not in stderr.decode()
    assert os.listdir(tmp_path) == []


def children_of(pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry))
    return children


def is_running(pid: int) -> bool:
    try:
        state = Path("/proc", str(pid), "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the child crawl through /proc")
def test_the_python_api_crawl_dies_with_its_caller_and_leaves_no_folder(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent
) -> None:
    fake_ftl.add_fault(pool_fragments(fake_event), SLOW_PAGE, forever=True)
    settings = {
        "FTL_BASE_URL": fake_ftl.base_url,
        "HTTPCACHE_ENABLED": 0,
        "DOWNLOAD_TIMEOUT": PATIENT_TIMEOUT,
    }
    # a caller that runs a Twisted reactor of its own: fetch_pools_bundle crawls in a child process
    caller_code = (
        "from twisted.internet import reactor; "
        "from ftl_scraper import fetch_pools_bundle; "
        f"fetch_pools_bundle({fake_event.event_id!r}, {fake_event.pool_round_id!r}, settings={settings!r})"
    )
    caller = subprocess.Popen([sys.executable, "-c", caller_code], cwd=REPO_ROOT)
    wait_until_pool_pages_hang(fake_ftl)
    [child] = children_of(caller.pid)
    call_folder = Path(os.readlink(f"/proc/{child}/cwd"))  # the call's temporary folder
    assert (call_folder / "crawl.log").exists()

    caller.send_signal(signal.SIGTERM)  # Python's default: the caller dies without any cleanup
    caller.wait(timeout=GIVE_UP_AFTER)
    for _ in range(GIVE_UP_AFTER * 20):
        if not is_running(child):
            break
        time.sleep(0.05)
    orphan_left = is_running(child)
    if orphan_left:
        os.kill(child, signal.SIGKILL)

    assert not orphan_left
    assert not call_folder.exists()


def test_total_timeout_bounds_the_whole_python_call(fake_ftl: FakeFtlServer, fake_event: FakeEvent) -> None:
    fake_ftl.add_fault(pool_fragments(fake_event), SLOW_PAGE, forever=True)
    settings = {
        "FTL_BASE_URL": fake_ftl.base_url,
        "HTTPCACHE_ENABLED": 0,
        "DOWNLOAD_TIMEOUT": PATIENT_TIMEOUT,
    }

    with pytest.raises(FetchError, match=r"did not finish within total_timeout=2 s"):
        fetch_pools_bundle(fake_event.event_id, fake_event.pool_round_id, total_timeout=2, settings=settings)


@pytest.mark.parametrize("spider", ["event", "tournament"])
def test_a_signal_stops_an_event_or_tournament_crawl_at_once_too(
    spider: str, fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    tournament = generate_tournament([EventPlan(rounds=[fake_event])], seed=10)
    fake_ftl.add_tournament(tournament)
    fake_ftl.add_fault(pool_fragments(fake_event), SLOW_PAGE, forever=True)
    output = tmp_path / "events.jsonl"
    output.write_text("previous events\n")
    argument = (
        f"event={fake_event.event_id}" if spider == "event" else f"tournament={tournament.tournament_id}"
    )
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, "-a", argument,
        "-s", f"FTL_BASE_URL={fake_ftl.base_url}",
        "-s", "HTTPCACHE_ENABLED=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", f"DOWNLOAD_TIMEOUT={PATIENT_TIMEOUT}",
        "-O", str(output),
    ]  # fmt: skip
    crawl = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    requests_before_the_signal = wait_until_pool_pages_hang(fake_ftl)

    crawl.send_signal(signal.SIGTERM)
    stderr = stderr_once_ended(crawl)

    assert crawl.returncode == 1
    assert [line for line in ftl_lines(stderr) if "events done" not in line] == [
        "ftl_scraper: stopping (SIGTERM): no new request is sent and nothing is written; "
        "press Ctrl-C again to stop at once",
        "ftl_scraper: error: stopped by SIGTERM before the crawl finished; nothing written",
    ]
    assert "Traceback" not in stderr.decode()
    assert len(fake_ftl.requests) == requests_before_the_signal
    assert output.read_text() == "previous events\n"
    assert sorted(os.listdir(tmp_path)) == ["events.jsonl"]
