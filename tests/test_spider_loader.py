"""The project's spider loader: every spider found by name, and only the one asked for imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from ftl_scraper.spiders.arguments import ARGUMENTS_BY_SPIDER
from ftl_scraper.spiders.loader import PROJECT_SPIDERS, FtlSpiderLoader

from .cassettes import DEMO_EVENT_ID, DEMO_ROUND_ID

REPO_ROOT = Path(__file__).resolve().parent.parent


def project_settings() -> BaseSettings:
    return get_project_settings().frozencopy()


def test_the_name_table_lists_every_spider_scrapy_finds_in_the_package() -> None:
    # Scrapy's own loader walks every module of ftl_scraper.spiders: the ground truth
    walked = SpiderLoader.from_settings(project_settings())
    loader = FtlSpiderLoader.from_settings(project_settings())

    assert sorted(loader.list()) == sorted(walked.list())
    for name in walked.list():
        assert loader.load(name) is walked.load(name)
        assert PROJECT_SPIDERS[name] == f"{walked.load(name).__module__}.{walked.load(name).__qualname__}"
        # what `scrapy crawl -h` lists for the spider is what the spider checks
        assert ARGUMENTS_BY_SPIDER[name] is getattr(walked.load(name), "arguments_model", None)
    assert sorted(ARGUMENTS_BY_SPIDER) == sorted(walked.list())


def test_an_unknown_name_is_a_key_error_as_with_scrapys_loader() -> None:
    loader = FtlSpiderLoader.from_settings(project_settings())

    with pytest.raises(KeyError, match="Spider not found: nope"):
        loader.load("nope")


def test_spider_modules_of_a_project_built_on_this_one_are_searched_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "club_spiders.py").write_text(
        "import scrapy\n\n\nclass ClubSpider(scrapy.Spider):\n    name = 'club'\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    settings = get_project_settings()
    settings.set("SPIDER_MODULES", ["ftl_scraper.spiders", "club_spiders"])
    loader = FtlSpiderLoader.from_settings(settings.frozencopy())

    assert sorted(loader.list()) == sorted([*PROJECT_SPIDERS, "club"])
    assert loader.load("club").__module__ == "club_spiders"
    assert loader.load("tableau").name == "tableau"


def test_find_by_request_looks_at_every_spider() -> None:
    loader = FtlSpiderLoader.from_settings(project_settings())
    walked = SpiderLoader.from_settings(project_settings())
    request = Request("https://www.fencingtimelive.com/pools/scores/A/B")
    assert sorted(loader.find_by_request(request)) == sorted(walked.find_by_request(request))


def test_a_pools_crawl_imports_neither_the_other_spiders_nor_the_watch_models(tmp_path: Path) -> None:
    # `scrapy crawl pools` on the demo cassette, in a child process that lists its modules at exit
    script = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(name for name in sys.modules"
        " if name.startswith('ftl_scraper.')))))\n"
        "from scrapy.cmdline import execute\n"
        "execute()\n"
    )
    command = [
        sys.executable, "-c", script, "crawl", "pools", "-a", f"event={DEMO_EVENT_ID}",
        "-a", f"round={DEMO_ROUND_ID}", "-s", "FTL_CASSETTE=demo", "-O", str(tmp_path / "round.json"),
        "-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}",
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)

    assert completed.returncode == 0, completed.stderr
    assert json.loads((tmp_path / "round.json").read_text(encoding="utf-8"))[0]["complete"] is True
    imported = set(json.loads(completed.stdout.splitlines()[-1]))
    assert "ftl_scraper.spiders.pools" in imported
    others = {path.rsplit(".", 1)[0] for name, path in PROJECT_SPIDERS.items() if name != "pools"}
    assert not others & imported
    assert not {"ftl_scraper.models.changes", "ftl_scraper.models.tableau_changes"} & imported
