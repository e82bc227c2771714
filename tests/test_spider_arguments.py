"""Spider arguments: Scrapyd's ``_``-prefixed job arguments pass, any other unknown name is refused;
`url` names the FTL the crawl reads, over http(s), and agrees with the IDs given beside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.spiders import PoolsSpider
from ftl_scraper.spiders.arguments import (
    EventArguments,
    PoolsArguments,
    SpiderArguments,
    TableauArguments,
    TournamentArguments,
)

from .fakeftl import FakeEvent, FakeFtlServer

EVENT_ID = "9CABEAEBA11F0F03B153FA889658645E"
ROUND_ID = "5F313927C3AE7337DEE549EEBEC0B135"


@pytest.mark.parametrize("service_arguments", [{"_job": "6487ec79"}, {"_job": "1", "_version": "r12"}])
def test_scrapyd_arguments_are_accepted_on_top_of_the_spiders_own(service_arguments: dict[str, str]) -> None:
    arguments = PoolsArguments.parse({"event": EVENT_ID.lower(), "round": ROUND_ID, **service_arguments})
    assert (arguments.event_id, arguments.pool_round_id) == (EVENT_ID, ROUND_ID)
    spider = PoolsSpider(event=EVENT_ID, round=ROUND_ID, **service_arguments)
    assert (spider.event_id, spider.pool_round_id) == (EVENT_ID, ROUND_ID)


@pytest.mark.parametrize("name", ["job", "evnt", "job_"])
def test_an_unknown_argument_without_the_prefix_is_still_refused(name: str) -> None:
    refused = f"unknown spider argument '{name}' \\(known: event, round"
    with pytest.raises(InvalidArgumentError, match=refused):
        PoolsArguments.parse({"event": EVENT_ID, "round": ROUND_ID, "_job": "1", name: "x"})


def test_a_scrapyd_argument_does_not_stand_in_for_a_missing_one() -> None:
    with pytest.raises(InvalidArgumentError, match="give both event=<eventID> and round=<poolRoundID>"):
        PoolsArguments.parse({"event": EVENT_ID, "_round": ROUND_ID})


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
            "ftl_scraper: error: url must be on {host} (FTL_BASE_URL), got "
            "'https://www.example.com/pools/scores/{event}/{round}': the crawl contacts no other site",
        ),
        (
            "ftp://{host}/pools/scores/{event}/{round}",
            (),
            "ftl_scraper: error: url must be an http(s) FTL URL, got 'ftp://{host}/pools/scores/{event}/{round}'",
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


TOURNAMENT_ID = "0F7A8C16A6E24C39A2C1F55E0B7C2D11"
TABLEAU_ID = "1B2C3D4E5F60718293A4B5C6D7E8F901"
FTL = "https://www.fencingtimelive.com"


@pytest.mark.parametrize(
    ("model", "arguments", "conflict"),
    [
        (EventArguments, {"url": f"{FTL}/events/results/{EVENT_ID}", "event": ROUND_ID}, "event"),
        (
            TableauArguments,
            {"url": f"{FTL}/tableaus/scores/{EVENT_ID}/{TABLEAU_ID}", "tableau": ROUND_ID},
            "tableau",
        ),
        (
            TournamentArguments,
            {"url": f"{FTL}/tournaments/eventSchedule/{TOURNAMENT_ID}", "tournament": EVENT_ID},
            "tournament",
        ),
    ],
    ids=["event", "tableau", "tournament"],
)
def test_every_spider_refuses_an_id_that_contradicts_its_url(
    model: type[SpiderArguments], arguments: dict[str, str], conflict: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=f"url carries {conflict} .* but {conflict}= gives"):
        model.parse(arguments)


@pytest.mark.parametrize("model", [EventArguments, TableauArguments, TournamentArguments])
def test_every_spider_refuses_a_url_of_another_scheme(model: type[SpiderArguments]) -> None:
    with pytest.raises(InvalidArgumentError, match=r"url must be an http\(s\) FTL URL"):
        model.parse({"url": f"ftp://www.fencingtimelive.com/tableaus/scores/{EVENT_ID}/{TABLEAU_ID}"})


def test_crawl_help_lists_every_spiders_arguments() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "tableau", "-h"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0
    for spider, model in (
        ("pools", PoolsArguments),
        ("tableau", TableauArguments),
        ("event", EventArguments),
        ("tournament", TournamentArguments),
    ):
        section = completed.stdout.split(f"Arguments of the {spider} spider:")[1].split("\n\n")[0]
        assert sorted(line.split()[1].split("=")[0] for line in section.strip().splitlines()) == sorted(
            model.model_fields
        )
