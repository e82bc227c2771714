"""The project under a real Scrapyd: deployed with scrapyd-deploy, jobs scheduled over its JSON API."""

from __future__ import annotations

import json
import shlex
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ftl_scraper.cassette.format import SHIPPED_CASSETTES_DIR
from tests.cassettes import DEMO_EVENT_ID, DEMO_ROUND_ID, demo_event
from tests.scrapyd_service import REPO_ROOT, ScrapydService

DEMO = {"FTL_CASSETTE": "demo"}
#: a round the demo cassette does not hold: replay fails at the first page, as FTL's 404 would
MISSING_ROUND_ID = "0" * 32
README_SCRAPYD = "http://localhost:6800/"


def readme_schedule_command(scrapyd: ScrapydService) -> list[str]:
    """The README's ``curl .../schedule.json`` line, word for word but for the test server's port."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in readme.splitlines() if line.startswith(f"curl {README_SCRAPYD}schedule.json")]
    return shlex.split(line.replace(README_SCRAPYD, scrapyd.base_url))


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScrapydService]:
    service = ScrapydService(tmp_path_factory.mktemp("scrapyd")).start()
    try:
        deployed = service.deploy()
        assert deployed.returncode == 0, deployed.stderr
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def jobs(scrapyd: ScrapydService) -> dict[str, str]:
    """One job of each kind, scheduled together and all finished."""
    scheduled = subprocess.run(
        readme_schedule_command(scrapyd), capture_output=True, text=True, timeout=30, check=True
    )
    job_ids = {
        "demo": json.loads(scheduled.stdout)["jobid"],
        "missing round": scrapyd.schedule("pools", DEMO, event=DEMO_EVENT_ID, round=MISSING_ROUND_ID),
        "unknown argument": scrapyd.schedule("pools", DEMO, evnt=DEMO_EVENT_ID, round=DEMO_ROUND_ID),
    }
    scrapyd.wait_for_jobs(list(job_ids.values()))
    return job_ids


def finished_job(scrapyd: ScrapydService, job_id: str) -> dict[str, Any]:
    return next(job for job in scrapyd.api("listjobs.json")["finished"] if job["id"] == job_id)


def test_the_deployed_project_lists_the_pools_spider(scrapyd: ScrapydService) -> None:
    assert "pools" in scrapyd.api("listspiders.json")["spiders"]


def test_the_deployed_egg_carries_the_schema_and_every_demo_cassette_file(scrapyd: ScrapydService) -> None:
    (egg,) = (scrapyd.root / "eggs" / "ftl_scraper").glob("*.egg")
    packed = set(zipfile.ZipFile(egg).namelist())
    demo_folder = Path(str(SHIPPED_CASSETTES_DIR)) / "demo"
    expected = {f"ftl_scraper/cassette/recordings/demo/{path.name}" for path in demo_folder.iterdir()}
    expected.add("ftl_scraper/output/schema/bundle.schema.json")
    assert len(expected) > 30
    assert expected <= packed


def test_a_scheduled_demo_crawl_exports_the_demo_bundle(
    scrapyd: ScrapydService, jobs: dict[str, str]
) -> None:
    job_id = jobs["demo"]
    lines = scrapyd.items_file("pools", job_id).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [demo_event().expected_bundle()]
    assert finished_job(scrapyd, job_id)["items_url"] == f"/items/ftl_scraper/pools/{job_id}.jl"
    log = scrapyd.job_log("pools", job_id)
    # the shipped cassette was read from inside the deployed (zipped) egg, not from the checkout
    assert f"{scrapyd.root / 'eggs' / 'ftl_scraper'}" in log
    assert f"pools crawl finished for event {DEMO_EVENT_ID} round {DEMO_ROUND_ID}: 32 pools fetched" in log
    assert "ftl_scraper: error" not in log


def test_a_failed_crawl_says_failed_in_its_log_and_exports_nothing(
    scrapyd: ScrapydService, jobs: dict[str, str]
) -> None:
    job_id = jobs["missing round"]
    log = scrapyd.job_log("pools", job_id)
    assert f"pools crawl failed (ftl_error) for event {DEMO_EVENT_ID} round {MISSING_ROUND_ID}" in log
    assert "no bundle written" in log
    missing_page = f"/pools/scores/{DEMO_EVENT_ID}/{MISSING_ROUND_ID}"
    assert f"ftl_scraper: error: GET {missing_page} is not in the cassette" in log
    assert "(exit status 1)" in log
    assert not scrapyd.items_file("pools", job_id).exists()
    assert finished_job(scrapyd, job_id)["items_url"] is None


def test_scrapyd_arguments_are_accepted_but_an_unknown_one_is_refused_in_the_log(
    scrapyd: ScrapydService, jobs: dict[str, str]
) -> None:
    job_id = jobs["unknown argument"]
    log = scrapyd.job_log("pools", job_id)
    assert "ftl_scraper: error: unknown spider argument 'evnt'" in log
    assert "(exit status 2)" in log
    assert "'_job'" not in log  # Scrapyd's own argument is not what was refused
    assert not scrapyd.items_file("pools", job_id).exists()


def test_scrapy_cfg_deploys_to_a_local_scrapyd_and_keeps_its_items() -> None:
    config = (REPO_ROOT / "scrapy.cfg").read_text(encoding="utf-8")
    assert f"[deploy]\nurl = {README_SCRAPYD}\nproject = ftl_scraper\n" in config
    assert "items_dir = scrapyd/items\n" in config
