"""Where the bundle goes: -O/-o files, stdout, formats, and a store that fails (CLI and in-process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.errors import OutputError
from ftl_scraper.run.outcome import ExitStatus
from tests.cassettes import (
    DEMO_EVENT_ID,
    DEMO_ROUND_ID,
    DEMO_TABLEAU_ID,
    DEMO_TOURNAMENT_ID,
    crawl_cassette,
    demo_event,
    demo_tournament,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_ARGUMENTS = ("-a", f"event={DEMO_EVENT_ID}", "-a", f"round={DEMO_ROUND_ID}", "-s", "FTL_CASSETTE=demo")


@pytest.fixture(scope="module")
def demo_bundle() -> dict[str, Any]:
    return demo_event().expected_bundle()


def crawl_demo(*options: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    """`scrapy crawl pools` over the shipped demo cassette: no network, the generator's ground truth."""
    command = [sys.executable, "-m", "scrapy", "crawl", "pools", *DEMO_ARGUMENTS, *options]
    return subprocess.run(
        command, cwd=REPO_ROOT, stdout=stdout, stderr=subprocess.PIPE, timeout=60, check=False
    )


def ftl_lines(completed: subprocess.CompletedProcess[bytes]) -> list[str]:
    return [line for line in completed.stderr.decode().splitlines() if line.startswith("ftl_scraper: ")]


def test_an_output_that_cannot_be_stored_fails_the_crawl_and_leaves_nothing(tmp_path: Path) -> None:
    folder_named_like_a_file = tmp_path / "bundle.json"
    folder_named_like_a_file.mkdir()
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("kept")

    into_a_directory = crawl_demo("-O", str(folder_named_like_a_file))
    under_a_file = crawl_demo("-O", str(not_a_folder / "bundle.json"))

    assert into_a_directory.returncode == 1
    assert ftl_lines(into_a_directory) == [
        f"ftl_scraper: error: cannot write the bundle to {folder_named_like_a_file}: it is a directory"
    ]
    assert under_a_file.returncode == 1
    assert ftl_lines(under_a_file) == [
        f"ftl_scraper: error: cannot write the bundle to {not_a_folder / 'bundle.json'}: "
        f"{not_a_folder} is not a directory"
    ]
    for completed in (into_a_directory, under_a_file):
        assert "Traceback" not in completed.stderr.decode()
        assert "; bundle written" not in completed.stderr.decode()
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["bundle.json", "notes.txt"]
    assert not_a_folder.read_text() == "kept"


@deferred_f_from_coro_f
async def test_an_in_process_crawl_whose_feed_cannot_be_stored_is_a_failure(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    run = await crawl_cassette(
        "demo",
        event=DEMO_EVENT_ID,
        round=DEMO_ROUND_ID,
        settings={"FEEDS": {str(target): {"format": "json", "overwrite": True}}},
    )

    outcome = run.outcome
    assert outcome.status is ExitStatus.FAILED
    assert isinstance(outcome.errors[0], OutputError)
    assert str(target) in str(outcome.errors[0])
    assert os.listdir(tmp_path) == [target.name]


def test_append_goes_to_json_lines_and_is_refused_for_a_json_file(
    tmp_path: Path, demo_bundle: dict[str, Any]
) -> None:
    lines = tmp_path / "rounds.jsonl"
    existing = tmp_path / "round.json"
    existing.write_text("[]")

    first = crawl_demo("-o", str(lines))
    second = crawl_demo("-o", str(lines))
    onto_json = crawl_demo("-o", str(existing))

    assert (first.returncode, second.returncode) == (0, 0)
    assert [json.loads(line) for line in lines.read_text().splitlines()] == [demo_bundle, demo_bundle]
    assert onto_json.returncode == 2
    [line] = ftl_lines(onto_json)
    assert line.startswith(f"ftl_scraper: error: cannot append a bundle to {existing}: ")
    assert "-O" in line
    assert ".jsonl" in line
    assert existing.read_text() == "[]"


@pytest.mark.parametrize("option", [(), ("-O", "-"), ("-O", "stdout:json"), ("-O", "-:json")])
def test_stdout_gets_the_bundle(option: tuple[str, ...], tmp_path: Path, demo_bundle: dict[str, Any]) -> None:
    completed = crawl_demo(*option)

    assert completed.returncode == 0, completed.stderr.decode()
    assert json.loads(completed.stdout) == [demo_bundle]
    assert "WARNING" not in completed.stderr.decode()
    assert not (REPO_ROOT / "stdout").exists()


def test_a_reader_that_closes_the_pipe_early_gets_one_error_line_not_a_traceback() -> None:
    command = [sys.executable, "-m", "scrapy", "crawl", "pools", *DEMO_ARGUMENTS, "-O", "-"]
    with subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as crawl:
        assert crawl.stdout is not None
        crawl.stdout.close()  # like `| head` that has read what it wanted
        _, stderr = crawl.communicate(timeout=60)

    assert crawl.returncode == 1
    assert "Traceback" not in stderr.decode()
    assert [line for line in stderr.decode().splitlines() if line.startswith("ftl_scraper: ")] == [
        "ftl_scraper: error: cannot write the bundle to stdout: the reader closed the pipe"
    ]


@pytest.mark.parametrize("name", ["bundle.csv", "bundle.xml"])
def test_formats_that_cannot_hold_a_bundle_are_refused_before_the_crawl(tmp_path: Path, name: str) -> None:
    completed = crawl_demo("-O", str(tmp_path / name))

    assert completed.returncode == 2
    [line] = ftl_lines(completed)
    assert line.startswith(f"ftl_scraper: error: cannot write a bundle as '{name[-3:]}' to ")
    assert "json, jsonlines" in line
    assert "Cassette replay" not in completed.stderr.decode()  # no crawl started
    assert list(tmp_path.iterdir()) == []


def crawl_spider_demo(spider: str, *options: str) -> subprocess.CompletedProcess[bytes]:
    """`scrapy crawl <spider>` over the shipped demo cassette."""
    arguments = {
        "tableau": ("-a", f"event={DEMO_EVENT_ID}", "-a", f"tableau={DEMO_TABLEAU_ID}"),
        "event": ("-a", f"event={demo_tournament().events[1].event_id}"),
        "tournament": ("-a", f"tournament={DEMO_TOURNAMENT_ID}"),
    }[spider]
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        spider,
        *arguments,
        "-s",
        "FTL_CASSETTE=demo",
        *options,
    ]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, timeout=60, check=False)


def error_lines(completed: subprocess.CompletedProcess[bytes]) -> list[str]:
    # event and tournament crawls also print progress lines
    return [line for line in ftl_lines(completed) if line.startswith("ftl_scraper: error: ")]


@pytest.mark.parametrize("spider", ["tableau", "event", "tournament"])
def test_every_spider_fails_when_its_output_cannot_be_stored(spider: str, tmp_path: Path) -> None:
    taken = tmp_path / "out.jsonl"
    taken.mkdir()

    completed = crawl_spider_demo(spider, "-O", str(taken))

    assert completed.returncode == 1
    assert error_lines(completed) == [
        f"ftl_scraper: error: cannot write the bundle to {taken}: it is a directory"
    ]
    assert "Traceback" not in completed.stderr.decode()
    assert [path.name for path in tmp_path.iterdir()] == [taken.name]


@pytest.mark.parametrize("spider", ["tableau", "event", "tournament"])
def test_every_spider_refuses_csv_and_appending_to_a_json_file(spider: str, tmp_path: Path) -> None:
    existing = tmp_path / "out.json"
    existing.write_text("[]")

    as_csv = crawl_spider_demo(spider, "-O", str(tmp_path / "out.csv"))
    onto_json = crawl_spider_demo(spider, "-o", str(existing))

    assert (as_csv.returncode, onto_json.returncode) == (2, 2)
    assert error_lines(as_csv)[0].startswith("ftl_scraper: error: cannot write a bundle as 'csv' to ")
    assert error_lines(onto_json)[0].startswith(f"ftl_scraper: error: cannot append a bundle to {existing}: ")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.json"]
    assert existing.read_text() == "[]"


def test_a_tournament_appends_its_events_to_json_lines_and_writes_stdout_by_default(tmp_path: Path) -> None:
    tournament = demo_tournament()
    expected = {event.event_id: event.expected_tournament_item(tournament) for event in tournament.events}
    lines = tmp_path / "tournament.jsonl"

    first = crawl_spider_demo("tournament", "-o", str(lines))
    second = crawl_spider_demo("tournament", "-o", str(lines))
    to_stdout = crawl_spider_demo("tournament", "-O", "-:jsonl")

    assert (first.returncode, second.returncode, to_stdout.returncode) == (0, 0, 0)
    appended = [json.loads(line) for line in lines.read_text().splitlines()]
    assert len(appended) == 2 * len(expected)
    assert {item["event_id"]: item for item in appended} == expected
    assert {item["event_id"]: item for item in map(json.loads, to_stdout.stdout.splitlines())} == expected
