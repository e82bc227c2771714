"""Real servers the service tests need, started on a free 127.0.0.1 port and stopped afterwards.

A server that cannot start fails the test with what to install: never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

#: the environment every server and worker process starts from: no FTL account, ever
CREDENTIAL_VARIABLES = ("FTL_USERNAME", "FTL_PASSWORD", "FTL_COOKIE", "FTL_COOKIES_FILE")
STARTUP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def clean_environment(**overrides: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARIABLES}
    environment.update(overrides)
    return environment


def venv_program(name: str, install_hint: str) -> str:
    """A console script installed beside this Python, or a failed test saying how to get it."""
    program = Path(sys.executable).parent / name
    if program.is_file():
        return str(program)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: {install_hint}", pytrace=False)
    return found


def wait_until_up(
    process: subprocess.Popen[bytes], is_up: Callable[[], bool], what: str, log_file: Path
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if is_up():
            return
        time.sleep(0.05)
    stop_process(process)
    log = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
    pytest.fail(f"{what} did not start on 127.0.0.1; its output:\n{log}", pytrace=False)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
