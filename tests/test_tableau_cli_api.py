"""``scrapy crawl tableau`` as users run it, and ``fetch_tableau_bundle``: exit statuses, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ftl_scraper import fetch_tableau_bundle
from ftl_scraper.errors import HttpStatusError, InvalidArgumentError
from tests.fakeftl import FakeFtlServer, FakeTableau, Status, generate_tableau
from tests.test_cli import error_lines

REPO_ROOT = Path(__file__).resolve().parent.parent
TEAM = generate_tableau(seed=21, size=8, team=True)


@pytest.fixture
def ftl(fake_ftl: FakeFtlServer) -> FakeFtlServer:
    fake_ftl.add_tableau(TEAM)
    return fake_ftl


def scrapy_crawl_tableau(
    ftl: FakeFtlServer, tmp_path: Path, *arguments: str, output: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "tableau", *arguments,
        "-s", f"FTL_BASE_URL={ftl.base_url}",
        "-s", f"HTTPCACHE_DIR={tmp_path / 'httpcache'}",
        "-s", "FTL_RETRY_BACKOFF_BASE=0.05",
    ]  # fmt: skip
    if output is not None:
        command += ["-O", f"{output}:json"]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)


def tree_path(tableau: FakeTableau, index: int) -> str:
    return f"/tableaus/scores/{tableau.event_id}/{tableau.tableau_id}/trees/{tableau.trees[index].tree_id}/"


def test_a_normal_run_by_url_exits_0_with_its_summary(ftl: FakeFtlServer, tmp_path: Path) -> None:
    output = tmp_path / "tableau.json"
    url = f"{ftl.base_url}/tableaus/scores/{TEAM.event_id}/{TEAM.tableau_id}"
    completed = scrapy_crawl_tableau(ftl, tmp_path, "-a", f"url={url}", output=output)

    assert completed.returncode == 0, completed.stderr
    assert json.loads(output.read_text()) == [TEAM.expected_bundle()]
    assert completed.stderr.rstrip().endswith(
        f"tableau crawl finished for event {TEAM.event_id} tableau {TEAM.tableau_id}: 2 trees fetched, "
        f"0 retries, 0 cache hits, 0 errors; bundle written to {output}"
    )


def test_a_bad_tableau_id_exits_2_before_any_request(ftl: FakeFtlServer, tmp_path: Path) -> None:
    output = tmp_path / "tableau.json"
    completed = scrapy_crawl_tableau(
        ftl, tmp_path, "-a", f"event={TEAM.event_id}", "-a", "tableau=not-an-id", output=output
    )

    assert completed.returncode == 2
    assert error_lines(completed.stderr) == [
        "ftl_scraper: error: tableau must be a 32-character hexadecimal FTL ID, got 'not-an-id'"
    ]
    assert "Traceback" not in completed.stderr
    assert ftl.requests == []
    assert not output.exists()


def test_a_failed_tree_exits_1_naming_event_tableau_tree_and_url(ftl: FakeFtlServer, tmp_path: Path) -> None:
    ftl.add_fault(tree_path(TEAM, 1), Status(500), forever=True)
    output = tmp_path / "tableau.json"
    completed = scrapy_crawl_tableau(
        ftl, tmp_path, "-a", f"event={TEAM.event_id}", "-a", f"tableau={TEAM.tableau_id}", output=output
    )

    assert completed.returncode == 1
    [line] = error_lines(completed.stderr)
    tree_id = TEAM.trees[1].tree_id
    assert line.startswith("ftl_scraper: error: FTL answered HTTP 500 (")
    for context in (
        f"event {TEAM.event_id}",
        f"tableau {TEAM.tableau_id}",
        f"tree {tree_id}",
        tree_path(TEAM, 1),
    ):
        assert context in line
    assert not output.exists()


def test_partial_mode_exits_3_with_the_other_trees(ftl: FakeFtlServer, tmp_path: Path) -> None:
    ftl.add_fault(tree_path(TEAM, 0), Status(404))
    output = tmp_path / "tableau.json"
    completed = scrapy_crawl_tableau(
        ftl,
        tmp_path,
        *("-a", f"event={TEAM.event_id}", "-a", f"tableau={TEAM.tableau_id}", "-a", "partial=1"),
        output=output,
    )

    assert completed.returncode == 3
    [bundle] = json.loads(output.read_text())
    assert bundle["complete"] is False
    assert [tree["tree_id"] for tree in bundle["trees"]] == [TEAM.trees[1].tree_id]


def test_fetch_tableau_bundle_returns_the_bundle(ftl: FakeFtlServer, tmp_path: Path) -> None:
    settings = {"FTL_BASE_URL": ftl.base_url, "HTTPCACHE_DIR": str(tmp_path / "cache")}
    assert fetch_tableau_bundle(TEAM.event_id, TEAM.tableau_id, settings=settings) == TEAM.expected_bundle()


def test_fetch_tableau_bundle_raises_the_failure_with_its_tree(ftl: FakeFtlServer, tmp_path: Path) -> None:
    ftl.add_fault(tree_path(TEAM, 0), Status(404))
    settings = {"FTL_BASE_URL": ftl.base_url, "HTTPCACHE_DIR": str(tmp_path / "cache")}
    with pytest.raises(HttpStatusError) as raised:
        fetch_tableau_bundle(TEAM.event_id, TEAM.tableau_id, settings=settings)

    assert (raised.value.status, raised.value.tree_id, raised.value.tableau_id) == (
        404,
        TEAM.trees[0].tree_id,
        TEAM.tableau_id,
    )


def test_fetch_tableau_bundle_refuses_a_bad_id_without_a_crawl(ftl: FakeFtlServer) -> None:
    with pytest.raises(InvalidArgumentError, match="event must be a 32-character"):
        fetch_tableau_bundle("nope", TEAM.tableau_id)
    assert ftl.requests == []
