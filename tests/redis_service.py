"""A real redis-server for the tests, on a free 127.0.0.1 port, with no persistence, stopped after;
and the ``scrapy crawl`` workers that share a crawl through it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Self

import pytest
import redis

from tests.services import clean_environment, free_port, stop_process, wait_until_up

REPO_ROOT = Path(__file__).resolve().parents[1]

INSTALL_HINT = (
    "redis-server is not installed: apt-get update && apt-get install -y redis-server "
    "(.ci/run does this when it is missing)"
)


class RedisService:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        program = shutil.which("redis-server")
        if program is None:
            pytest.fail(INSTALL_HINT, pytrace=False)
        self.root.mkdir(parents=True, exist_ok=True)
        log_file = self.root / "redis.log"
        with log_file.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    program,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.root),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(self._process, self._answers, f"redis-server ({program})", log_file)
        return self

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False


def start_worker(
    spider: str, arguments: dict[str, str], settings: dict[str, str], output: Path
) -> subprocess.Popen[str]:
    """``scrapy crawl`` as one worker of a shared crawl (``REDIS_URL`` in ``settings``), in a process
    of its own; its stdout and stderr are piped."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(output)]
    for name, value in arguments.items():
        command += ["-a", f"{name}={value}"]
    for name, value in {"FTL_SCHEDULER": "redis", "HTTPCACHE_ENABLED": "0", **settings}.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
