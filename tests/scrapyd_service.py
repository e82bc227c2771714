"""A real Scrapyd for the tests: its own folder, a free loopback port, the project deployed to it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any, Self

import requests

from tests.services import clean_environment, free_port, stop_process, venv_program, wait_until_up

REPO_ROOT = Path(__file__).resolve().parents[1]
INSTALL_HINT = "install the test extra, which brings Scrapyd and scrapyd-client: pip install -e '.[test]'"
#: the deploy target the tests add beside scrapy.cfg's own, pointing at the test server
TEST_TARGET = "ftl-tests"
JOB_TIMEOUT = 60.0


class ScrapydService:
    """``scrapyd`` in ``root`` (config, eggs, logs, items), answering on 127.0.0.1:<free port>."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/"
        self.items_dir = root / "items"
        self.logs_dir = root / "logs"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        program = venv_program("scrapyd", INSTALL_HINT)
        self.root.mkdir(parents=True, exist_ok=True)
        # Scrapyd reads ./scrapyd.conf; poll_interval is 5 s by default, which is most of a test
        (self.root / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            "bind_address = 127.0.0.1\n"
            f"http_port = {self.port}\n"
            f"eggs_dir = {self.root / 'eggs'}\n"
            f"logs_dir = {self.logs_dir}\n"
            f"items_dir = {self.items_dir}\n"
            f"dbs_dir = {self.root / 'dbs'}\n"
            "poll_interval = 0.1\n"
            "max_proc = 4\n",
            encoding="utf-8",
        )
        server_log = self.root / "scrapyd.log"
        with server_log.open("wb") as log:
            self._process = subprocess.Popen(
                [program],
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=clean_environment(
                    FTL_STATE_DIR=str(self.root / "state"), FTL_CACHE_DIR=str(self.root / "cache")
                ),
            )
        wait_until_up(self._process, self._answers, f"Scrapyd ({program})", server_log)
        return self

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process)

    def deploy(self) -> subprocess.CompletedProcess[str]:
        """``scrapyd-deploy`` from the checkout, as the README does, to a target at this server.

        The target comes from a user-level scrapy.cfg ($XDG_CONFIG_HOME), which scrapyd-client
        reads before the project's own: the project's ``[deploy]`` section still gives the rest.
        """
        program = venv_program("scrapyd-deploy", INSTALL_HINT)
        config_home = self.root / "config"
        config_home.mkdir(exist_ok=True)
        (config_home / "scrapy.cfg").write_text(
            f"[deploy:{TEST_TARGET}]\nurl = {self.base_url}\n", encoding="utf-8"
        )
        return subprocess.run(
            [program, TEST_TARGET],
            cwd=REPO_ROOT,
            env=clean_environment(XDG_CONFIG_HOME=str(config_home)),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def api(self, endpoint: str, **data: str) -> dict[str, Any]:
        if data:
            response = requests.post(self.base_url + endpoint, data=data, timeout=10)
        else:
            response = requests.get(self.base_url + endpoint, params={"project": "ftl_scraper"}, timeout=10)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def schedule(self, spider: str, settings: dict[str, str], **arguments: str) -> str:
        fields: list[tuple[str, str]] = [("project", "ftl_scraper"), ("spider", spider)]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]
        fields += list(arguments.items())
        response = requests.post(self.base_url + "schedule.json", data=fields, timeout=10)
        response.raise_for_status()
        answer = response.json()
        assert answer["status"] == "ok", answer
        job_id: str = answer["jobid"]
        return job_id

    def wait_for_jobs(self, job_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Poll listjobs.json until every job is finished; their entries by job ID."""
        deadline = time.monotonic() + JOB_TIMEOUT
        while time.monotonic() < deadline:
            finished = {job["id"]: job for job in self.api("listjobs.json")["finished"]}
            if all(job_id in finished for job_id in job_ids):
                return finished
            time.sleep(0.1)
        raise AssertionError(f"Scrapyd jobs not finished after {JOB_TIMEOUT} s: {self.api('listjobs.json')}")

    def job_log(self, spider: str, job_id: str) -> str:
        return (self.logs_dir / "ftl_scraper" / spider / f"{job_id}.log").read_text(encoding="utf-8")

    def items_file(self, spider: str, job_id: str) -> Path:
        return self.items_dir / "ftl_scraper" / spider / f"{job_id}.jl"

    def _answers(self) -> bool:
        try:
            return requests.get(self.base_url + "daemonstatus.json", timeout=1).ok
        except requests.RequestException:
            return False
