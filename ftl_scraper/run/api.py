"""Plain-Python entry points: ``fetch_pools_bundle(event_id, pool_round_id) -> dict`` and
``fetch_tableau_bundle(event_id, tableau_id) -> dict``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ftl_scraper.errors import FtlError
from ftl_scraper.login.credentials import CREDENTIAL_SETTINGS
from ftl_scraper.run.default_clients import default_client
from ftl_scraper.run.outcome import CrawlOutcome, ExitStatus
from ftl_scraper.spiders.arguments import PoolsArguments, TableauArguments

_PROJECT_SETTINGS = "ftl_scraper.settings"


def fetch_pools_bundle(
    event_id: str,
    pool_round_id: str,
    *,
    force_refresh: bool = False,
    partial: bool = False,
    timeout: float | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one FTL pool round and return its bundle (see ``PoolsBundle``).

    ``timeout`` is the per-request download timeout in seconds; ``settings`` are Scrapy
    settings for this call only (e.g. ``{"FTL_BASE_URL": ...}``; credentials such as
    ``FTL_PASSWORD`` reach the crawl through its environment, never its command line). Raises the project's
    ``FtlError`` subclass that says what failed; with ``partial=True`` a bundle with
    ``"complete": false`` is returned instead when some pages failed.

    Calls run in this process, through a client kept per distinct ``settings``
    (``run/default_clients.py``). Where the process already runs another Twisted reactor, each
    call runs ``scrapy crawl pools`` in a child process instead (the reactor cannot be shared
    or restarted); credentials then travel in its environment only.
    """
    # fail on a bad ID here, with the same message the CLI gives, before starting a process
    PoolsArguments.parse({"event": event_id, "round": pool_round_id})
    client = default_client({**(settings or {}), **_download_timeout(timeout)})
    if client is not None:
        bundle = client.pools(event_id, pool_round_id, force_refresh=force_refresh, partial=partial)
        return bundle.model_dump(mode="json")
    spider_arguments = {"event": event_id, "round": pool_round_id}
    return _crawl_bundle("pools", spider_arguments, force_refresh, partial, timeout, settings)


def fetch_tableau_bundle(
    event_id: str,
    tableau_id: str,
    *,
    force_refresh: bool = False,
    partial: bool = False,
    timeout: float | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one FTL DE tableau and return its bundle (see ``TableauBundle``).

    Arguments, errors, the in-process client and the child process as for ``fetch_pools_bundle``.
    """
    TableauArguments.parse({"event": event_id, "tableau": tableau_id})
    client = default_client({**(settings or {}), **_download_timeout(timeout)})
    if client is not None:
        bundle = client.tableau(event_id, tableau_id, force_refresh=force_refresh, partial=partial)
        return bundle.model_dump(mode="json")
    spider_arguments = {"event": event_id, "tableau": tableau_id}
    return _crawl_bundle("tableau", spider_arguments, force_refresh, partial, timeout, settings)


def _crawl_bundle(
    spider_name: str,
    spider_arguments: dict[str, str],
    force_refresh: bool,
    partial: bool,
    timeout: float | None,
    settings: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """``scrapy crawl <spider_name>`` in a child process; the one bundle, or the first error."""
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
        arguments = [f"{name}={value}" for name, value in spider_arguments.items()]
        command = [
            sys.executable, "-m", "scrapy", "crawl", spider_name,
            *(option for argument in arguments for option in ("-a", argument)),
            "-a", f"force_refresh={int(force_refresh)}",
            "-a", f"partial={int(partial)}",
            "-O", f"{bundle_path}:json",
            *_setting_options(overrides),
        ]  # fmt: skip
        completed = subprocess.run(
            command,
            env={**os.environ, **secrets, "SCRAPY_SETTINGS_MODULE": _PROJECT_SETTINGS},
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        outcome = _read_outcome(outcome_path, completed)
        if outcome.status in (ExitStatus.OK, ExitStatus.PARTIAL):
            [bundle] = json.loads(bundle_path.read_text(encoding="utf-8"))
            return dict(bundle)
        raise outcome.errors[0]


def _download_timeout(timeout: float | None) -> dict[str, Any]:
    return {} if timeout is None else {"DOWNLOAD_TIMEOUT": timeout}


def _setting_options(settings: Mapping[str, Any]) -> list[str]:
    options = []
    for name, value in settings.items():
        text = value if isinstance(value, str) else json.dumps(value)
        options += ["-s", f"{name}={text}"]
    return options


def _read_outcome(path: Path, completed: subprocess.CompletedProcess[str]) -> CrawlOutcome:
    if path.exists():
        return CrawlOutcome.from_json(json.loads(path.read_text(encoding="utf-8")))
    last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
    return CrawlOutcome(
        ExitStatus.FAILED,
        [FtlError(f"the crawl process exited with status {completed.returncode}: {last_line}")],
    )
