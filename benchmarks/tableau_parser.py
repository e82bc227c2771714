"""Benchmark ``parse_tableau_html`` on a whole table of 256 and print the figures.

From the repository root::

    python benchmarks/tableau_parser.py [--size 256] [--repeat 200]

The tree is a stand-in bracket (``tests/fakeftl``: byes, a withdrawal, referees, times and
strips, part fenced, part scheduled) rendered in FTL's raw markup with its winner column, as
``scrapy crawl tableau`` fetches it. Each parse is checked against the generator's truth once,
then timed ``--repeat`` times in one process. Printed: the fastest and the median parse, in wall
time and in CPU time, with the load average, because on a shared machine the median mostly
measures the neighbours (the fastest is what the parser costs).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# `python benchmarks/tableau_parser.py` puts benchmarks/ on sys.path, not the root
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ftl_scraper.parsers.tableau import TreeSource, parse_tableau_html  # noqa: E402
from tests.fakeftl import generate_tableau, render_tableau_tables  # noqa: E402

TARGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=256, help="slots in the first column (default 256)")
    parser.add_argument("--repeat", type=int, default=200, help="timed parses (default 200)")
    options = parser.parse_args()

    tableau = generate_tableau(seed=256, size=options.size, decided_columns=4)
    [tree] = tableau.trees
    html = render_tableau_tables(tree, 0, tree.table_count + 1, tableau.event_id, tableau.tableau_id)
    source = TreeSource(tree.tree_id, tree.name, tree.tree_number, tree.table_count)
    if parse_tableau_html(html, source) != tree.expected():
        sys.exit("the parse is not the generated tree's truth")

    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    for _ in range(options.repeat):
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        parse_tableau_html(html, source)
        wall_ms.append((time.perf_counter() - wall_started) * 1000)
        cpu_ms.append((time.process_time() - cpu_started) * 1000)
    # a fixed pure-Python loop, so a reader can tell a slow machine (or busy neighbours) from a slow parser
    calibration_ms = min(_cpu_ms(lambda: sum(range(1_000_000))) for _ in range(5))
    bouts = sum(len(bouts) for bouts in tree.bouts)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"parse_tableau_html, table of {options.size} ({tree.table_count + 1} columns, {bouts} bouts, "
        f"{len(html) / 1024:.0f} KiB), {options.repeat} parses, target < {TARGET_MS:g} ms:\n"
        f"  wall: fastest {min(wall_ms):.1f} ms, median {statistics.median(wall_ms):.1f} ms\n"
        f"  CPU:  fastest {min(cpu_ms):.1f} ms, median {statistics.median(cpu_ms):.1f} ms\n"
        f"  Python {platform.python_version()}, {os.cpu_count()} cores, load average {load}; "
        f"calibration sum(range(10**6)): {calibration_ms:.1f} ms CPU"
    )


def _cpu_ms(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000


if __name__ == "__main__":
    main()
