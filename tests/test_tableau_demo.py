"""The demo event's tableau, shipped in the demo cassette: offline, it gives the tableau's ground truth."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.models import TableauBundle
from ftl_scraper.run.outcome import ExitStatus
from tests.cassettes import (
    DEMO_EVENT_ID,
    DEMO_TABLEAU_ID,
    crawl_cassette,
    demo_tableau,
    go_offline,
    offline_environment,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
# the README's tableau command, word for word
README_TABLEAU_COMMAND = (
    "scrapy crawl tableau -a event=9CABEAEBA11F0F03B153FA889658645E "
    "-a tableau=FFFEBE6578A4AF4419353937E00698AE -s FTL_CASSETTE=demo -O tableau.json"
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    go_offline(monkeypatch)


@deferred_f_from_coro_f
async def test_demo_tableau_replays_offline_into_its_ground_truth(tmp_path: Path, offline: None) -> None:
    run = await crawl_cassette(
        "demo",
        settings={"HTTPCACHE_DIR": str(tmp_path / "httpcache")},
        event=DEMO_EVENT_ID,
        tableau=DEMO_TABLEAU_ID,
    )

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == demo_tableau().expected_bundle()
    bundle = TableauBundle.model_validate(run.bundle)
    statuses = [bout.status for tree in bundle.trees for round_ in tree.rounds for bout in round_.bouts]
    assert (statuses.count("bye"), statuses.count("walkover")) == (12, 1)
    assert bundle.trees[0].winner is not None


def test_readme_tableau_command_crawls_the_demo_offline(tmp_path: Path) -> None:
    assert README_TABLEAU_COMMAND in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    scrapy, *arguments = README_TABLEAU_COMMAND.split()
    command = [str(Path(sys.executable).with_name(scrapy)), *arguments[:-1], str(tmp_path / "tableau.json")]
    env = offline_environment(tmp_path)

    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads((tmp_path / "tableau.json").read_text(encoding="utf-8")) == [
        demo_tableau().expected_bundle()
    ]
