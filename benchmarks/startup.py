"""What the start of ``scrapy crawl pools`` is made of: time to the first request, and imports by package.

From the repository root::

    python benchmarks/startup.py [--runs 5]

Runs the crawl against the loopback fake FTL (28 pools, 100 ms latency): ``--runs`` times to
time process start -> first request (wall and CPU, from ``benchmarks.timing.CrawlTimer``), then
once under ``python -X importtime``, whose self times are summed by top-level package.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.run import send_replies_at_once, table  # noqa: E402
from tests.fakeftl import FakeFtlServer, generate_event  # noqa: E402

#: modules named apart from their package: what pulls them in matters more than the package
GROUPS = {
    "tldextract": "tldextract, requests, filelock (Scrapy's CookiesMiddleware)",
    "requests": "tldextract, requests, filelock (Scrapy's CookiesMiddleware)",
    "filelock": "tldextract, requests, filelock (Scrapy's CookiesMiddleware)",
    "idna": "tldextract, requests, filelock (Scrapy's CookiesMiddleware)",
    "charset_normalizer": "tldextract, requests, filelock (Scrapy's CookiesMiddleware)",
    "urllib3": "tldextract, requests, filelock (Scrapy's CookiesMiddleware)",
    "OpenSSL": "TLS: pyOpenSSL, cryptography, service_identity",
    "cryptography": "TLS: pyOpenSSL, cryptography, service_identity",
    "service_identity": "TLS: pyOpenSSL, cryptography, service_identity",
    "_cffi_backend": "TLS: pyOpenSSL, cryptography, service_identity",
    "unittest": "unittest (Scrapy's bench and check commands)",
}


def crawl_command(
    base_url: str, event_id: str, round_id: str, workdir: Path, *python_options: str
) -> list[str]:
    return [
        sys.executable, *python_options, "-m", "scrapy", "crawl", "pools",
        "-a", f"event={event_id}", "-a", f"round={round_id}", "-O", f"{workdir / 'bundle.json'}:json",
        "-s", f"FTL_BASE_URL={base_url}", "-s", f"HTTPCACHE_DIR={workdir / 'cache'}",
        "-s", 'EXTENSIONS={"benchmarks.timing.CrawlTimer": 0}',
        "-s", f"BENCHMARK_TIMING_FILE={workdir / 'timing.json'}",
    ]  # fmt: skip


def import_groups(importtime_output: str) -> dict[str, float]:
    """Self time (seconds) of every import, summed by top-level package (or the group above)."""
    totals: defaultdict[str, float] = defaultdict(float)
    for line in importtime_output.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (field.strip() for field in line.removeprefix("import time:").split("|"))
        top = name.split(".")[0]
        if name.startswith(("scrapy.commands", "scrapy.utils.test", "scrapy.shell")):
            top = "Scrapy's command modules (all are imported to list them)"
        totals[GROUPS.get(top, top)] += int(self_us) / 1e6
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    send_replies_at_once(True)
    event = generate_event(seed=1028, pool_count=28)
    environment = {**os.environ, "SCRAPY_SETTINGS_MODULE": "ftl_scraper.settings"}
    walls, cpus, processes = [], [], []
    with FakeFtlServer(event, latency=0.1) as server:
        for _ in range(arguments.runs):
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp)
                command = crawl_command(server.base_url, event.event_id, event.pool_round_id, workdir)
                launched = time.time()
                subprocess.run(command, cwd=REPO_ROOT, env=environment, capture_output=True, check=True)
                processes.append(time.time() - launched)
                timing = json.loads((workdir / "timing.json").read_text(encoding="utf-8"))
                walls.append(timing["marks"]["first_request"] - launched)
                cpus.append(timing["cpu_marks"]["first_request"])
        with tempfile.TemporaryDirectory() as tmp:
            command = crawl_command(
                server.base_url, event.event_id, event.pool_round_id, Path(tmp), "-X", "importtime"
            )
            traced = subprocess.run(
                command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=True
            )
    groups = import_groups(traced.stderr)
    print(
        f"`scrapy crawl pools`, 28 pools at 100 ms; median of {arguments.runs} runs (min in brackets): "
        f"process start -> first request {statistics.median(walls):.2f} s ({min(walls):.2f}), "
        f"CPU by then {statistics.median(cpus):.2f} s ({min(cpus):.2f}); whole process "
        f"{statistics.median(processes):.2f} s ({min(processes):.2f}).\n"
    )
    print(
        f"Imports under -X importtime (self times, one run; the tracing itself adds to them): "
        f"{sum(groups.values()):.2f} s in all\n"
    )
    largest = sorted(groups.items(), key=lambda group: group[1], reverse=True)[:14]
    rows = [[name, f"{seconds * 1000:.0f} ms"] for name, seconds in largest]
    print(table(["package", "import time"], rows))
    print(f"\nLoad average {' '.join(f'{value:.2f}' for value in os.getloadavg())} at the end.")


if __name__ == "__main__":
    main()
