"""Plain-Python entry point: ``fetch_pools_bundle(event_id, pool_round_id) -> dict``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from ftl_scraper.errors import FetchError, FtlError
from ftl_scraper.login.credentials import CREDENTIAL_SETTINGS
from ftl_scraper.run.outcome import CrawlOutcome, ExitStatus
from ftl_scraper.spiders.arguments import PoolsArguments

_PROJECT_SETTINGS = "ftl_scraper.settings"


def fetch_pools_bundle(
    event_id: str,
    pool_round_id: str,
    *,
    force_refresh: bool = False,
    partial: bool = False,
    timeout: float | None = None,
    total_timeout: float | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one FTL pool round and return its bundle (see ``PoolsBundle``).

    ``timeout`` is the per-request download timeout in seconds (each page gets it, retries
    included); ``total_timeout`` bounds the whole call, after which the crawl is stopped and
    ``FetchError`` raised; ``settings`` are Scrapy
    settings for this call only (e.g. ``{"FTL_BASE_URL": ...}``; credentials such as
    ``FTL_PASSWORD`` reach the crawl through its environment, never its command line). Raises the project's
    ``FtlError`` subclass that says what failed; with ``partial=True`` a bundle with
    ``"complete": false`` is returned instead when some pages failed.

    Each call runs ``scrapy crawl pools`` in a child process: Twisted's reactor cannot be
    restarted in one process (ReactorNotRestartable), and a child keeps Scrapy's logging
    and settings out of the caller's process. Credentials travel in the environment only.
    """
    # fail on a bad ID here, with the same message the CLI gives, before starting a process
    PoolsArguments.parse({"event": event_id, "round": pool_round_id})
    overrides = dict(settings or {})
    # handed to the child in its environment, never on its command line (visible to `ps`, and
    # the configuration check refuses secrets given with -s)
    secrets = {name: str(overrides.pop(name)) for name in CREDENTIAL_SETTINGS if name in overrides}
    if timeout is not None:
        overrides["DOWNLOAD_TIMEOUT"] = timeout
    with tempfile.TemporaryDirectory(prefix="ftl_scraper-") as workdir:
        bundle_path = Path(workdir) / "bundle.json"
        outcome_path = Path(workdir) / "outcome.json"
        overrides["FTL_OUTCOME_FILE"] = str(outcome_path)
        overrides["FTL_CALLER_WORKDIR"] = workdir  # the child must not outlive this process, nor its folder
        command = [
            sys.executable, "-m", "scrapy", "crawl", "pools",
            "-a", f"event={event_id}",
            "-a", f"round={pool_round_id}",
            "-a", f"force_refresh={int(force_refresh)}",
            "-a", f"partial={int(partial)}",
            "-O", f"{bundle_path}:json",
            *_setting_options(overrides),
        ]  # fmt: skip
        log_path = Path(workdir) / "crawl.log"
        with log_path.open("wb") as log:
            returncode = _run_child(
                command,
                env={**os.environ, **secrets, "SCRAPY_SETTINGS_MODULE": _PROJECT_SETTINGS},
                cwd=workdir,
                log=log,
                total_timeout=total_timeout,
            )
        if returncode is None:
            raise FetchError(
                f"the crawl did not finish within total_timeout={total_timeout} s; it was stopped",
                event_id=event_id,
                pool_round_id=pool_round_id,
            )
        stderr = log_path.read_text(encoding="utf-8", errors="replace")
        outcome = _read_outcome(outcome_path, returncode, stderr)
        if outcome.status in (ExitStatus.OK, ExitStatus.PARTIAL):
            [bundle] = json.loads(bundle_path.read_text(encoding="utf-8"))
            return dict(bundle)
        raise outcome.errors[0]


def _run_child(
    command: list[str], *, env: dict[str, str], cwd: str, log: IO[bytes], total_timeout: float | None
) -> int | None:
    """Run the crawl and wait for it, its stdin a pipe held open until it ends.

    The child stops when that pipe closes (``FTL_CALLER_WORKDIR``), which happens however
    this process ends, even killed: a crawl never outlives its caller. (``subprocess.run`` would
    close the pipe at once.) An exception here, such as KeyboardInterrupt, stops the child first.
    Returns None when ``total_timeout`` ran out and the child was stopped.
    """
    with subprocess.Popen(
        command, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log
    ) as child:
        try:
            return child.wait(timeout=total_timeout)
        except subprocess.TimeoutExpired:
            child.terminate()  # SIGTERM: the crawl stops sending and exits without writing
            child.wait()
            return None
        except BaseException:
            child.kill()
            raise


def _setting_options(settings: Mapping[str, Any]) -> list[str]:
    options = []
    for name, value in settings.items():
        text = value if isinstance(value, str) else json.dumps(value)
        options += ["-s", f"{name}={text}"]
    return options


def _read_outcome(path: Path, returncode: int, stderr: str) -> CrawlOutcome:
    if path.exists():
        return CrawlOutcome.from_json(json.loads(path.read_text(encoding="utf-8")))
    last_line = (stderr.strip().splitlines() or ["no output"])[-1]
    return CrawlOutcome(
        ExitStatus.FAILED,
        [FtlError(f"the crawl process exited with status {returncode}: {last_line}")],
    )
