"""FtlAddon alone is the whole setup: a Scrapy process with only its ADDONS entry crawls a round right."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from ftl_scraper.addon import FtlAddon
from ftl_scraper.fetching.cache import FtlHttpCacheMiddleware
from ftl_scraper.fetching.circuit_breaker import CircuitBreakerMiddleware
from ftl_scraper.fetching.downloader import FtlDownloader
from ftl_scraper.fetching.retry import BackoffRetryMiddleware
from ftl_scraper.run.outcome import ExitStatus, crawl_outcome
from ftl_scraper.spiders import PoolsSpider
from tests.cassettes import DEMO_EVENT_ID, DEMO_ROUND_ID, demo_event
from tests.crawling import CrawlRun
from tests.fakeftl import FakeEvent, FakeFtlServer

README = Path(__file__).resolve().parent.parent / "README.md"


def documented_defaults() -> dict[str, str]:
    """The README's settings table, as written: setting name -> default."""
    rows = re.findall(r"^\| `([A-Z_]+)` \| (`[^`]*`|unset) \|", README.read_text(encoding="utf-8"), re.M)
    return {name: default.strip("`") for name, default in rows}


def assert_documented_defaults(settings: BaseSettings, *, given: set[str]) -> None:
    documented = documented_defaults()
    assert len(documented) >= 10  # the table was found
    for name, default in documented.items():
        if name in given or name == "FTL_STATE_DIR":  # the tests point it at their own folder
            continue
        value = settings.get(name)
        if default == "unset":
            assert value is None, name
        elif re.fullmatch(r"[\d.]+", default):
            assert float(value) == float(default), name
        else:
            assert str(value) == default, name


def downloader_middlewares(settings: BaseSettings) -> list[type]:
    return [
        load_object(path) for path in build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    ]


def test_the_addon_alone_sets_every_documented_default() -> None:
    settings = get_crawler(PoolsSpider, settings_dict={"ADDONS": {FtlAddon: 0}}).settings

    assert_documented_defaults(settings, given=set())
    assert load_object(settings["DOWNLOADER"]) is FtlDownloader
    middlewares = downloader_middlewares(settings)
    assert BackoffRetryMiddleware in middlewares
    assert RetryMiddleware not in middlewares
    assert FtlHttpCacheMiddleware in middlewares
    assert HttpCacheMiddleware not in middlewares
    assert CircuitBreakerMiddleware in middlewares


def test_a_project_or_command_line_setting_wins_over_the_addons_default() -> None:
    settings = get_crawler(
        PoolsSpider, settings_dict={"ADDONS": {FtlAddon: 0}, "DOWNLOAD_TIMEOUT": 3, "FTL_RETRY_AFTER_MAX": 1}
    ).settings

    assert (settings.getfloat("DOWNLOAD_TIMEOUT"), settings.getfloat("FTL_RETRY_AFTER_MAX")) == (3, 1)


@pytest.mark.parametrize(
    ("builtin", "replacement"),
    [(RetryMiddleware, BackoffRetryMiddleware), (HttpCacheMiddleware, FtlHttpCacheMiddleware)],
)
def test_a_builtin_the_user_turned_off_stays_off_without_its_replacement(
    builtin: type, replacement: type
) -> None:
    user_choice = {"DOWNLOADER_MIDDLEWARES": {f"{builtin.__module__}.{builtin.__name__}": None}}
    settings = get_crawler(PoolsSpider, settings_dict={"ADDONS": {FtlAddon: 0}, **user_choice}).settings

    middlewares = downloader_middlewares(settings)
    assert builtin not in middlewares
    assert replacement not in middlewares


def test_a_builtin_the_user_moved_is_replaced_where_they_put_it() -> None:
    user_choice = {"DOWNLOADER_MIDDLEWARES": {RetryMiddleware: 560}}
    settings = get_crawler(PoolsSpider, settings_dict={"ADDONS": {FtlAddon: 0}, **user_choice}).settings

    positions = settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    assert RetryMiddleware not in downloader_middlewares(settings)
    assert {load_object(key): value for key, value in positions.items()}[BackoffRetryMiddleware] == 560


@deferred_f_from_coro_f
async def test_a_process_with_only_the_addon_crawls_the_stand_in(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    given = {"FTL_BASE_URL": fake_ftl.base_url, "HTTPCACHE_DIR": str(tmp_path / "httpcache")}
    runner = AsyncCrawlerRunner(Settings({"ADDONS": {FtlAddon: 0}, **given}))
    crawler = runner.create_crawler(PoolsSpider)
    run = CrawlRun(crawler)
    crawler.signals.connect(run.collect, signal=signals.item_scraped)

    await runner.crawl(crawler, event=fake_event.event_id, round=fake_event.pool_round_id)

    assert crawl_outcome(crawler).status is ExitStatus.OK
    assert run.bundle == fake_event.expected_bundle()
    assert_documented_defaults(crawler.settings, given=set(given))
    assert len(fake_ftl.requests) == len(fake_event.pool_ids) + 2
    assert sorted(path.name for path in (tmp_path / "httpcache").iterdir()) == ["pools"]  # the cache is on


def readme_addon_script() -> str:
    """The README's example of a foreign Scrapy project that uses the addon alone."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    [script] = [block for block in blocks if '"ADDONS": {FtlAddon: 0}' in block]
    return script


def test_the_readmes_addon_only_script_crawls_the_demo_offline(tmp_path: Path) -> None:
    script = readme_addon_script()
    assert f'event="{DEMO_EVENT_ID}"' in script
    assert f'round="{DEMO_ROUND_ID}"' in script
    (tmp_path / "crawl_demo.py").write_text(script, encoding="utf-8")
    environment: dict[str, Any] = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }  # no SCRAPY_SETTINGS_MODULE
    environment["FTL_CACHE_DIR"] = str(tmp_path / "cache")

    completed = subprocess.run(
        [sys.executable, "crawl_demo.py"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads((tmp_path / "bundle.json").read_text(encoding="utf-8")) == [
        demo_event().expected_bundle()
    ]
