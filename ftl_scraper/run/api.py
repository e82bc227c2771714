"""Plain-Python entry points: ``fetch_pools_bundle``, ``fetch_tableau_bundle``, ``fetch_event_bundle``
-> dict, and ``fetch_tournament`` -> an iterator of event bundles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ftl_scraper.errors import CrawlTimeoutError, FtlError
from ftl_scraper.login.credentials import CREDENTIAL_SETTINGS
from ftl_scraper.run.crawls import PROJECT_SETTINGS_MODULE, given_arguments
from ftl_scraper.run.default_clients import default_client
from ftl_scraper.run.outcome import CrawlOutcome, ExitStatus
from ftl_scraper.site.urls import DEFAULT_BASE_URL
from ftl_scraper.spiders.arguments import (
    EventArguments,
    PoolsArguments,
    SpiderArguments,
    TableauArguments,
    TournamentArguments,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ftl_scraper.run.client import FtlClient

_OUTCOME_FILE = "outcome.json"


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

    Calls run in this process, through a client kept per distinct ``settings``
    (``run/default_clients.py``). Where the process already runs another Twisted reactor, each
    call runs ``scrapy crawl pools`` in a child process instead (the reactor cannot be shared
    or restarted); credentials then travel in its environment only.
    """
    arguments = {"event": event_id, "round": pool_round_id}
    _check_arguments(PoolsArguments, arguments, settings)
    return _fetch_bundle(
        "pools",
        arguments,
        {"force_refresh": force_refresh, "partial": partial},
        lambda client: client.pools(
            event_id, pool_round_id, force_refresh=force_refresh, partial=partial, timeout=total_timeout
        ),
        timeout,
        total_timeout,
        settings,
    )


def fetch_tableau_bundle(
    event_id: str,
    tableau_id: str,
    *,
    force_refresh: bool = False,
    partial: bool = False,
    timeout: float | None = None,
    total_timeout: float | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one FTL DE tableau and return its bundle (see ``TableauBundle``).

    Arguments, errors, the in-process client and the child process as for ``fetch_pools_bundle``.
    """
    arguments = {"event": event_id, "tableau": tableau_id}
    _check_arguments(TableauArguments, arguments, settings)
    return _fetch_bundle(
        "tableau",
        arguments,
        {"force_refresh": force_refresh, "partial": partial},
        lambda client: client.tableau(
            event_id, tableau_id, force_refresh=force_refresh, partial=partial, timeout=total_timeout
        ),
        timeout,
        total_timeout,
        settings,
    )


def fetch_event_bundle(
    event_id: str | None = None,
    *,
    url: str | None = None,
    force_refresh: bool = False,
    timeout: float | None = None,
    total_timeout: float | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one FTL event, given its ID or any FTL URL of it, and return its bundle (see
    ``EventBundle``): every pool round and tableau in tab order, and the final results.

    Failed pages do not raise: the bundle says ``"complete": false`` and lists them. An error
    that leaves no bundle (FTL not answering, a bad argument) raises the ``FtlError`` saying
    why. Runs in this process (or a child process), as ``fetch_pools_bundle`` does.
    """
    arguments = given_arguments({"event": event_id, "url": url})
    _check_arguments(EventArguments, arguments, settings)
    return _fetch_bundle(
        "event",
        arguments,
        {"force_refresh": force_refresh},
        lambda client: client.event(event_id, url=url, force_refresh=force_refresh, timeout=total_timeout),
        timeout,
        total_timeout,
        settings,
    )


def fetch_tournament(
    tournament_id: str | None = None,
    *,
    url: str | None = None,
    events: str | None = None,
    force_refresh: bool = False,
    timeout: float | None = None,
    total_timeout: float | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Crawl every event of an FTL tournament (given its ID, its schedule's URL or the URL of
    an event in it) and yield each event's bundle (``TournamentEvent``) as soon as it is done.

    ``events`` keeps only the events whose name the regular expression matches (any case). An
    event with failed pages is yielded with ``"complete": false``; when the crawl cannot go on
    (the schedule fails, FTL stops answering) the events done so far are yielded, then the
    ``FtlError`` saying why is raised. Arguments are checked before the crawl starts.

    ``timeout`` is the per-request download timeout in seconds; ``total_timeout`` bounds the
    whole crawl: when it runs out the crawl is stopped, and after the events done by then,
    ``CrawlTimeoutError`` is raised.
    """
    arguments = given_arguments({"tournament": tournament_id, "url": url, "events": events})
    _check_arguments(TournamentArguments, arguments, settings)
    arguments["force_refresh"] = str(int(force_refresh))
    return _stream_items("tournament", arguments, timeout, total_timeout, settings)


def _check_arguments(
    model: type[SpiderArguments], arguments: dict[str, str], settings: Mapping[str, Any] | None
) -> None:
    # the same one-line errors the CLI gives, before any process starts or request goes out
    model.parse(arguments, base_url=(settings or {}).get("FTL_BASE_URL", DEFAULT_BASE_URL))


def _fetch_bundle(
    spider: str,
    arguments: dict[str, str],
    flags: dict[str, bool],
    call_client: Callable[[FtlClient], BaseModel],
    timeout: float | None,
    total_timeout: float | None,
    settings: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """One bundle, through the process's client for these settings (``call_client``), or from a
    child process where this process runs another reactor."""
    client = default_client({**(settings or {}), **_download_timeout(timeout)})
    if client is not None:
        return call_client(client).model_dump(mode="json")
    flag_arguments = {name: str(int(value)) for name, value in flags.items()}
    return _fetch_one(spider, {**arguments, **flag_arguments}, timeout, total_timeout, settings)


def _fetch_one(
    spider: str,
    arguments: dict[str, str],
    timeout: float | None,
    total_timeout: float | None,
    settings: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Run one crawl that exports one bundle, and return that bundle."""
    with tempfile.TemporaryDirectory(prefix="ftl_scraper-") as workdir:
        bundle_path = Path(workdir) / "bundle.json"
        command, env = _crawl_command(spider, arguments, timeout, settings, workdir, f"{bundle_path}:json")
        log_path = Path(workdir) / "crawl.log"
        with log_path.open("wb") as log:
            returncode = _run_child(command, env=env, cwd=workdir, log=log, total_timeout=total_timeout)
        if returncode is None:
            raise CrawlTimeoutError(
                f"the crawl did not finish within total_timeout={total_timeout:g} s; it was stopped",
                event_id=arguments.get("event"),
                pool_round_id=arguments.get("round"),
            )
        stderr = log_path.read_text(encoding="utf-8", errors="replace")
        outcome = _read_outcome(Path(workdir) / _OUTCOME_FILE, returncode, stderr)
        if outcome.status in (ExitStatus.OK, ExitStatus.PARTIAL):
            [bundle] = json.loads(bundle_path.read_text(encoding="utf-8"))
            return dict(bundle)
        raise outcome.errors[0]


def _stream_items(
    spider: str,
    arguments: dict[str, str],
    timeout: float | None,
    total_timeout: float | None,
    settings: Mapping[str, Any] | None,
) -> Iterator[dict[str, Any]]:
    """Run a crawl exporting JSON lines to its stdout, yielding each item as it is written."""
    with tempfile.TemporaryDirectory(prefix="ftl_scraper-") as workdir:
        command, env = _crawl_command(spider, arguments, timeout, settings, workdir, "-:jsonlines")
        stderr_path = Path(workdir) / "stderr.txt"
        with (
            stderr_path.open("w+", encoding="utf-8") as stderr,
            subprocess.Popen(
                command,
                # unbuffered, so each exported line reaches us when it is written, not at exit
                env={**env, "PYTHONUNBUFFERED": "1"},
                cwd=workdir,
                # held open until the crawl ends: the child stops when it closes (FTL_CALLER_WORKDIR),
                # however this process ends
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,  # a file, not a pipe: a chatty crawl cannot block on a full pipe
                text=True,
                encoding="utf-8",
            ) as child,
        ):
            timed_out = threading.Event()

            def stop_at_deadline() -> None:
                timed_out.set()
                child.terminate()  # SIGTERM: the crawl stops sending, and its stdout ends

            deadline = threading.Timer(total_timeout, stop_at_deadline) if total_timeout is not None else None
            try:
                if deadline is not None:
                    deadline.start()
                assert child.stdout is not None
                for line in child.stdout:
                    if line.strip():
                        yield dict(json.loads(line))
                returncode = child.wait()
            finally:
                if deadline is not None:
                    deadline.cancel()
                if child.poll() is None:  # the caller stopped iterating early, or was interrupted
                    child.terminate()
                    child.wait()
            stderr.seek(0)
            outcome = _read_outcome(Path(workdir) / _OUTCOME_FILE, returncode, stderr.read())
        if timed_out.is_set() and outcome.status is not ExitStatus.OK:
            raise CrawlTimeoutError(
                f"the crawl did not finish within total_timeout={total_timeout:g} s; it was stopped"
            )
        if outcome.status not in (ExitStatus.OK, ExitStatus.PARTIAL):
            raise outcome.errors[0]


def _crawl_command(
    spider: str,
    arguments: dict[str, str],
    timeout: float | None,
    settings: Mapping[str, Any] | None,
    workdir: str,
    feed: str,
) -> tuple[list[str], dict[str, str]]:
    """The child's command line and environment (credentials in the environment only)."""
    overrides = dict(settings or {})
    # handed to the child in its environment, never on its command line (visible to `ps`, and
    # the configuration check refuses secrets given with -s)
    secrets = {name: str(overrides.pop(name)) for name in CREDENTIAL_SETTINGS if name in overrides}
    if timeout is not None:
        overrides["DOWNLOAD_TIMEOUT"] = timeout
    overrides["FTL_OUTCOME_FILE"] = str(Path(workdir) / _OUTCOME_FILE)
    overrides["FTL_CALLER_WORKDIR"] = workdir  # the child must not outlive this process, nor its folder
    spider_options = [option for name, value in arguments.items() for option in ("-a", f"{name}={value}")]
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, *spider_options,
        "-o" if feed.startswith("-:") else "-O", feed,
        *_setting_options(overrides),
    ]  # fmt: skip
    return command, {**os.environ, **secrets, "SCRAPY_SETTINGS_MODULE": PROJECT_SETTINGS_MODULE}


def _download_timeout(timeout: float | None) -> dict[str, Any]:
    return {} if timeout is None else {"DOWNLOAD_TIMEOUT": timeout}


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
