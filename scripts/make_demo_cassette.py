"""Record the shipped demo cassette (ftl_scraper/cassette/recordings/demo) from the stand-in FTL.

The demo event is invented (tests/cassettes.py: ``demo_event()`` and its DE round
``demo_tableau()``, from the fake-FTL generator; no third-party data). This script serves it on
127.0.0.1, records it with real ``scrapy crawl pools`` and ``scrapy crawl tableau`` runs
(``-s FTL_CASSETTE_MODE=record``, each replacing what its cassette holds, so the tableau is
recorded apart and merged in), then checks that each recorded bundle is its ground truth and
that replaying the new cassette offline, under the default FTL_BASE_URL, gives the same bundles.
It is deterministic: rerunning it rewrites byte-identical files (no port, time or session token
ends up in a cassette).

The demo tournament (``demo_tournament()``: the demo event, an event of two pool rounds, one
not started) is then added to the same cassette by ``scrapy crawl tournament`` with
``FTL_CASSETTE_MODE=new_episodes``, and checked the same way.

Usage, from the repository root:

    python scripts/make_demo_cassette.py              # rewrite ftl_scraper/cassette/recordings/demo
    python scripts/make_demo_cassette.py --out /tmp/demo
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # tests.fakeftl is not part of the installed package

from ftl_scraper.cassette.format import Cassette  # noqa: E402
from tests.cassettes import (  # noqa: E402
    DEMO_EVENT_ID,
    DEMO_ROUND_ID,
    DEMO_TABLEAU_ID,
    DEMO_TOURNAMENT_ID,
    demo_event,
    demo_tableau,
    demo_tournament,
)
from tests.fakeftl import FakeFtlServer  # noqa: E402

DEFAULT_OUT = REPO_ROOT / "ftl_scraper" / "cassette" / "recordings" / "demo"


POOLS_ARGUMENTS = ("pools", "-a", f"event={DEMO_EVENT_ID}", "-a", f"round={DEMO_ROUND_ID}")
TABLEAU_ARGUMENTS = ("tableau", "-a", f"event={DEMO_EVENT_ID}", "-a", f"tableau={DEMO_TABLEAU_ID}")


def crawl(
    cassette: Path, bundle_path: Path, *settings: str, spider: tuple[str, ...] = POOLS_ARGUMENTS
) -> dict[str, Any]:
    """One ``scrapy crawl`` of the demo event with FTL_CASSETTE set; returns the bundle."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", *spider,
        "-s", f"FTL_CASSETTE={cassette}",
        *settings,
        "-O", str(bundle_path),
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"crawl failed ({completed.returncode}): {' '.join(command)}\n{completed.stderr}")
    [bundle] = json.loads(bundle_path.read_text(encoding="utf-8"))
    return dict(bundle)


def crawl_items(cassette: Path, output: Path, spider: str, *options: str) -> list[dict[str, Any]]:
    """One ``scrapy crawl <spider>`` with FTL_CASSETTE set; returns the exported items (JSON lines)."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, *options,
        "-s", f"FTL_CASSETTE={cassette}", "-s", "FTL_PROGRESS=False", "-O", f"{output}:jsonlines",
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"crawl failed ({completed.returncode}): {' '.join(command)}\n{completed.stderr}")
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


def record_tournament(out: Path, server: FakeFtlServer, workdir: Path) -> int:
    """Add the demo tournament to the cassette, check it, and return how many events it has."""
    tournament = demo_tournament()
    server.add_tournament(tournament)
    expected = {event.event_id: event.expected_tournament_item(tournament) for event in tournament.events}
    arguments = ("-a", f"tournament={DEMO_TOURNAMENT_ID}")
    recorded = crawl_items(
        out, workdir / "tournament.jsonl", "tournament", *arguments,
        "-s", "FTL_CASSETTE_MODE=new_episodes", "-s", f"FTL_BASE_URL={server.base_url}",
    )  # fmt: skip
    if {item["event_id"]: item for item in recorded} != expected:
        sys.exit("the recorded tournament is not the demo tournament's ground truth")
    server_requests = len(server.requests)
    replayed = crawl_items(out, workdir / "replayed.jsonl", "tournament", *arguments)
    if {item["event_id"]: item for item in replayed} != expected or len(server.requests) != server_requests:
        sys.exit("replaying the new cassette did not give the recorded tournament offline")
    return len(recorded)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"cassette folder (default {DEFAULT_OUT})"
    )
    out = parser.parse_args().out.resolve()
    event = demo_event()
    expected = event.expected_bundle()
    tableau = demo_tableau()
    with tempfile.TemporaryDirectory(prefix="ftl-demo-") as workdir, FakeFtlServer(event) as server:
        server.add_tableau(tableau)
        recorded = crawl(
            out,
            Path(workdir) / "recorded.json",
            "-s", "FTL_CASSETTE_MODE=record",
            "-s", f"FTL_BASE_URL={server.base_url}",
        )  # fmt: skip
        if recorded != expected:
            sys.exit("the recorded bundle is not the demo event's ground truth")
        tableau_cassette = Path(workdir) / "tableau-cassette"
        recorded_tableau = crawl(
            tableau_cassette,
            Path(workdir) / "recorded-tableau.json",
            "-s", "FTL_CASSETTE_MODE=record",
            "-s", f"FTL_BASE_URL={server.base_url}",
            spider=TABLEAU_ARGUMENTS,
        )  # fmt: skip
        if recorded_tableau != tableau.expected_bundle():
            sys.exit("the recorded tableau bundle is not the demo tableau's ground truth")
        merged = Cassette.load(out)
        for interaction in Cassette.load(tableau_cassette):
            merged.add(interaction)
        merged.save()
        server_requests = len(server.requests)
        replayed = crawl(out, Path(workdir) / "replayed.json")  # default FTL_BASE_URL, replay
        replayed_tableau = crawl(out, Path(workdir) / "replayed-tableau.json", spider=TABLEAU_ARGUMENTS)
        if (replayed, replayed_tableau) != (recorded, recorded_tableau) or len(
            server.requests
        ) != server_requests:
            sys.exit("replaying the new cassette did not give the recorded bundles offline")
        events = record_tournament(out, server, Path(workdir))
    files = sorted(path.name for path in out.iterdir())
    print(
        f"wrote {out}: {len(files)} files, {len(recorded['pools'])} pools, "
        f"{len(recorded_tableau['trees'])} tableau tree(s), a tournament of {events} events; replay verified"
    )


if __name__ == "__main__":
    main()
