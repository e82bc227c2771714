"""``scrapy crawl pools -a watch=...`` as users run it: refused arguments, and Ctrl-C/SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.spiders.arguments import (
    EventArguments,
    PoolsArguments,
    SpiderArguments,
    TableauArguments,
    TournamentArguments,
)
from tests.fakeftl import FakeFtlServer, RoundTimeline, generate_event
from tests.test_cli import error_lines, ids, scrapy_crawl

REPO_ROOT = Path(__file__).resolve().parent.parent


EVENT_IDS = {"event": "9CABEAEBA11F0F03B153FA889658645E", "round": "5F313927C3AE7337DEE549EEBEC0B135"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"watch": "10"}, "spider argument 'watch': Input should be greater than or equal to 15"),
        ({"watch": "soon"}, "spider argument 'watch': Input should be a valid integer"),
        ({"fencers": "KIM Ji Woo"}, "fencers= only applies to a watch: add watch=<seconds>"),
        ({"snapshot": "bundle.json"}, "snapshot= only applies to a watch: add watch=<seconds>"),
        ({"watch": "30", "partial": "1"}, "partial=1 does not apply to a watch"),
        ({"watch": "30", "fencers": " ; "}, "fencers= names no fencer"),
        ({"watch": "30", "snapshot": "/no/such/folder/bundle.json"}, "its folder does not exist"),
    ],
)
def test_bad_watch_arguments_are_refused_in_one_line(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidArgumentError) as refused:
        PoolsArguments.parse({**EVENT_IDS, **arguments})

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("arguments_model", "ids"),
    [(TournamentArguments, {"tournament": EVENT_IDS["event"]})],
)
def test_the_spiders_that_cannot_watch_refuse_watch(
    arguments_model: type[SpiderArguments], ids: dict[str, str]
) -> None:
    with pytest.raises(InvalidArgumentError) as refused:
        arguments_model.parse({**ids, "watch": "30"})

    assert str(refused.value).startswith("unknown spider argument 'watch'")


def test_the_event_takes_the_watch_arguments(tmp_path: Path) -> None:
    snapshot = str(tmp_path / "event.json")
    arguments = EventArguments.parse(
        {"event": EVENT_IDS["event"], "watch": "45", "fencers": "KIM Ji Woo", "snapshot": snapshot}
    )

    assert (arguments.watch, arguments.fencers, arguments.snapshot) == (45, "KIM Ji Woo", snapshot)
    with pytest.raises(InvalidArgumentError, match="fencers= only applies to a watch"):
        EventArguments.parse({"event": EVENT_IDS["event"], "fencers": "KIM Ji Woo"})
    with pytest.raises(InvalidArgumentError, match="greater than or equal to 15"):
        EventArguments.parse({"event": EVENT_IDS["event"], "watch": "5"})


def test_the_tableau_takes_the_watch_arguments() -> None:
    ids = {"event": EVENT_IDS["event"], "tableau": EVENT_IDS["round"]}
    arguments = TableauArguments.parse({**ids, "watch": "20", "fencers": "KIM Ji Woo"})

    assert (arguments.watch, arguments.fencers) == (20, "KIM Ji Woo")
    with pytest.raises(InvalidArgumentError, match="partial=1 does not apply to a watch"):
        TableauArguments.parse({**ids, "watch": "20", "partial": "1"})


def test_a_bad_watch_argument_exits_2_before_any_request(fake_ftl: FakeFtlServer, tmp_path: Path) -> None:
    event = generate_event(seed=42, pool_count=2)
    completed = scrapy_crawl(fake_ftl, tmp_path, *ids(event), "-a", "watch=10")

    assert completed.returncode == 2, completed.stderr
    assert error_lines(completed.stderr) == [
        "ftl_scraper: error: spider argument 'watch': Input should be greater than or equal to 15"
    ]
    assert fake_ftl.requests == []


def test_a_watch_refuses_an_output_that_cannot_stream(fake_ftl: FakeFtlServer, tmp_path: Path) -> None:
    event = generate_event(seed=42, pool_count=2)
    output = tmp_path / "changes.json"
    output.write_text("kept\n", encoding="utf-8")
    completed = scrapy_crawl(fake_ftl, tmp_path, *ids(event), "-a", "watch=30", output=output)

    assert completed.returncode == 2
    assert error_lines(completed.stderr) == [
        f"ftl_scraper: error: watch writes one JSON line per change: give an output file ending "
        f"in .jsonl (got '{output}' as json)"
    ]
    assert output.read_text(encoding="utf-8") == "kept\n"
    assert fake_ftl.requests == []


@pytest.mark.parametrize("spider", ["pools", "event"])
def test_a_watch_whose_lines_cannot_be_written_exits_1_in_one_line(spider: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("kept\n", encoding="utf-8")
    output = blocker / "changes.jsonl"
    ids = ["-a", f"event={EVENT_IDS['event']}"] + (
        ["-a", f"round={EVENT_IDS['round']}"] if spider == "pools" else []
    )
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, *ids, "-a", "watch=15",
        "-s", "FTL_CASSETTE=demo", "-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}", "-O", f"{output}:jsonlines",
    ]  # fmt: skip
    completed = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert completed.returncode == 1
    assert error_lines(completed.stderr) == [
        f"ftl_scraper: error: cannot write the changes to {output}: {blocker} is not a directory"
    ]
    assert "Traceback" not in completed.stderr
    assert blocker.read_text(encoding="utf-8") == "kept\n"


def test_a_watch_cannot_be_a_shared_crawl(fake_ftl: FakeFtlServer, tmp_path: Path) -> None:
    event = generate_event(seed=42, pool_count=2)
    output = tmp_path / "changes.jsonl"
    completed = scrapy_crawl(
        fake_ftl, tmp_path, *ids(event), "-a", "watch=30", "-s", "FTL_SCHEDULER=redis", "-o", str(output)
    )

    assert completed.returncode == 2
    assert error_lines(completed.stderr) == [
        "ftl_scraper: error: watch= follows its round, tableau or event in one process: it cannot be shared "
        "(FTL_SCHEDULER=redis)"
    ]
    assert not output.exists()
    assert fake_ftl.requests == []


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_stopped_watch_exits_0_with_every_line_it_saw(
    fake_ftl: FakeFtlServer, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    # a round that never moves on: the watch would poll for ever
    timeline = RoundTimeline(generate_event(seed=43, pool_count=4, pool_sizes=(5, 4)))
    timeline.install(fake_ftl)
    pools_page = f"/pools/scores/{timeline.final.event_id}/{timeline.final.pool_round_id}"
    output = tmp_path / "changes.jsonl"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "pools", *ids(timeline.final),
        "-a", "watch=15", "-o", str(output),
        "-s", f"FTL_BASE_URL={fake_ftl.base_url}",
        "-s", f"HTTPCACHE_DIR={tmp_path / 'httpcache'}",
        "-s", "FTL_WATCH_POLL_INTERVAL=0.05",
    ]  # fmt: skip
    with subprocess.Popen(command, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True) as watch:
        deadline = time.monotonic() + 60  # a safety net against a hang, not a speed requirement
        while fake_ftl.hits(lambda path: path == pools_page) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake_ftl.hits(lambda path: path == pools_page) >= 3, "the watch never polled again"
        watch.send_signal(stop_signal)
        _, stderr = watch.communicate(timeout=60)

    assert watch.returncode == 0, stderr
    assert error_lines(stderr) == []
    summary = stderr.rstrip().splitlines()[-1]
    assert f"pools watch stopped for event {timeline.final.event_id} round " in summary
    assert summary.endswith(f" changes written to {output}")
    [snapshot] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert {key: value for key, value in snapshot.items() if key != "at"} == timeline.snapshot_line()
