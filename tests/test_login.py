"""Logging in to FTL: credentials, cookies, the saved session, refusals, and secrets kept out of sight."""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, unquote, urlsplit

import pytest
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f

from ftl_scraper.errors import InvalidArgumentError, LoginRefusedError, LoginRequiredError
from ftl_scraper.login.credentials import session_cookie_from_file
from ftl_scraper.login.session_store import SessionStore, StoredSession
from ftl_scraper.run.outcome import ExitStatus
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE as NO_CREDENTIALS_MESSAGE
from tests.crawling import CrawlRun, crawl_pools
from tests.fakeftl import FakeEvent, FakeFtlServer, Redirect, Status

USERNAME = "alice@example.com"
# characters that form-encoding changes, so the secrets test also looks for the encoded form
PASSWORD = "s3cret pass/wörd&=!"
SECRET_ENVIRONMENT = ("FTL_USERNAME", "FTL_PASSWORD", "FTL_COOKIE", "FTL_COOKIES_FILE")


@pytest.fixture
def state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A state folder of this test's own; no credentials from the developer's environment."""
    for name in SECRET_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    directory = tmp_path / "state"
    monkeypatch.setenv("FTL_STATE_DIR", str(directory))
    return directory


@pytest.fixture
def settings(crawl_settings: Settings, state_dir: Path) -> Settings:
    crawl_settings.set("FTL_STATE_DIR", str(state_dir), priority="cmdline")
    return crawl_settings


@pytest.fixture
def gated_ftl(fake_ftl: FakeFtlServer) -> FakeFtlServer:
    """The stand-in FTL as it is since 2026-04-14: data pages only with a logged-in session."""
    fake_ftl.require_login = True
    fake_ftl.accounts = {USERNAME: PASSWORD}
    return fake_ftl


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, state_dir: Path) -> None:
    monkeypatch.setenv("FTL_USERNAME", USERNAME)
    monkeypatch.setenv("FTL_PASSWORD", PASSWORD)


async def crawl(settings: Settings, event: FakeEvent, *, force_refresh: bool = False) -> CrawlRun:
    return await crawl_pools(
        settings, event=event.event_id, round=event.pool_round_id, force_refresh=force_refresh
    )


def data_requests(server: FakeFtlServer) -> list[str]:
    return [r.path for r in server.requests if r.path.startswith("/pools/")]


def login_requests(server: FakeFtlServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests if not r.path.startswith("/pools/")]


def session_files(state_dir: Path) -> list[Path]:
    return sorted(state_dir.glob("session-*.json"))


def read_cache(cache_dir: Path) -> tuple[bytes, set[str]]:
    """Every byte Scrapy's filesystem cache holds, and the URL paths it has entries for."""
    files = [path for path in cache_dir.rglob("*") if path.is_file()]
    paths = {urlsplit(ast.literal_eval(f.read_text())["url"]).path for f in files if f.name == "meta"}
    return b"".join(path.read_bytes() for path in files), paths


def expire_sessions_on_first_pool_request(server: FakeFtlServer) -> None:
    """Make FTL forget every session when the first pool fragment is asked for."""
    expired: list[str] = []

    def expire(path: str) -> bool:
        if path.endswith("?dbut=true") and not expired:
            server.expire_sessions()
            expired.append(path)
        return False  # never answer with a fault: the request is then routed without a session

    server.add_fault(expire, Status(500), forever=True)


# ---------------------------------------------------------------- logging in


@deferred_f_from_coro_f
async def test_credentials_log_in_once_then_every_request_carries_the_session(
    gated_ftl: FakeFtlServer, fake_event: FakeEvent, settings: Settings, credentials: None
) -> None:
    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == fake_event.expected_bundle()
    assert gated_ftl.login_count == 1
    # logged in before the first data request: no page was answered with the login redirect
    get_form, post = gated_ftl.requests[:2]
    assert (get_form.method, get_form.path, get_form.cookies) == ("GET", "/account/login", {})
    assert (post.method, post.path) == ("POST", "/login")
    assert post.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert post.headers["X-Csrf-Token"]
    assert parse_qs(post.body.decode()) == {"username": [USERNAME], "password": [PASSWORD]}
    assert "connect.sid" in post.cookies
    assert len(data_requests(gated_ftl)) == len(fake_event.pools) + 2
    [session] = gated_ftl.valid_session_ids
    assert {r.cookies.get("connect.sid") for r in gated_ftl.requests[2:]} == {session}
    assert run.stats["ftl/login/count"] == 1


@deferred_f_from_coro_f
async def test_wrong_password_fails_with_one_line_naming_the_account(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    state_dir: Path,
) -> None:
    monkeypatch.setenv("FTL_USERNAME", USERNAME)
    monkeypatch.setenv("FTL_PASSWORD", "not-the-password")

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.FAILED
    error = run.outcome.errors[0]
    assert isinstance(error, LoginRefusedError)
    assert run.outcome.headline.startswith(
        f"FTL refused the login for {USERNAME}: check FTL_USERNAME and FTL_PASSWORD"
    )
    assert "\n" not in run.outcome.headline
    assert "not-the-password" not in run.outcome.headline
    # both start requests needed the session, but there was one attempt only
    assert login_requests(gated_ftl) == ["GET /account/login", "POST /login"]
    assert data_requests(gated_ftl) == []
    assert session_files(state_dir) == []


@deferred_f_from_coro_f
async def test_no_credentials_where_ftl_demands_them_says_what_to_set(
    gated_ftl: FakeFtlServer, fake_event: FakeEvent, settings: Settings, state_dir: Path
) -> None:
    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.FAILED
    assert isinstance(run.outcome.errors[0], LoginRequiredError)
    assert run.outcome.headline.startswith(NO_CREDENTIALS_MESSAGE)
    assert login_requests(gated_ftl) == []
    assert len(data_requests(gated_ftl)) == 2  # the two start requests, each redirected once


@deferred_f_from_coro_f
async def test_no_credentials_on_an_open_site_costs_no_extra_request(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, settings: Settings, state_dir: Path
) -> None:
    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.OK
    assert len(fake_ftl.requests) == len(fake_event.pools) + 2
    assert not any(r.cookies for r in fake_ftl.requests)
    assert session_files(state_dir) == []


# ---------------------------------------------------------------- an existing session


def log_in_by_hand(server: FakeFtlServer) -> str:
    """What a user does in a browser: log in, then copy the ``connect.sid`` value."""
    with urllib.request.urlopen(server.url("/account/login")) as response:
        form_cookie = response.headers["Set-Cookie"].split(";")[0]
        found = re.search(r'name="csrf_token" content="([^"]+)"', response.read().decode())
        assert found is not None
        token = found[1]
    request = urllib.request.Request(
        server.url("/login"),
        data=f"username={quote_plus(USERNAME)}&password={quote_plus(PASSWORD)}".encode(),
        headers={"x-csrf-token": token, "Cookie": form_cookie},
    )
    with urllib.request.urlopen(request) as response:
        return response.headers["Set-Cookie"].split(";")[0].removeprefix("connect.sid=")


@deferred_f_from_coro_f
async def test_ftl_cookie_alone_opens_the_pages_without_logging_in(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    state_dir: Path,
) -> None:
    session = log_in_by_hand(gated_ftl)
    requests_before = len(gated_ftl.requests)
    monkeypatch.setenv("FTL_COOKIE", session)

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == fake_event.expected_bundle()
    assert gated_ftl.login_count == 1  # the user's own, by hand
    crawl_requests = gated_ftl.requests[requests_before:]
    assert len(crawl_requests) == len(fake_event.pools) + 2
    assert {r.cookies.get("connect.sid") for r in crawl_requests} == {session}
    assert session_files(state_dir) == []  # the user's cookie is theirs to keep, not ours


@deferred_f_from_coro_f
async def test_cookies_file_exported_from_a_browser_opens_the_pages(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    session = log_in_by_hand(gated_ftl)
    cookies_txt = tmp_path / "cookies.txt"
    cookies_txt.write_text(
        "# Netscape HTTP Cookie File\n"
        f"#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t{int(time.time()) + 86400}\tconnect.sid\t{session}\n"
        f".example.org\tTRUE\t/\tFALSE\t0\tconnect.sid\tsomeone-elses\n"
    )
    monkeypatch.setenv("FTL_COOKIES_FILE", str(cookies_txt))

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.OK
    assert gated_ftl.login_count == 1
    assert {r.cookies.get("connect.sid") for r in gated_ftl.requests[2:]} == {session}


@deferred_f_from_coro_f
async def test_a_refused_cookie_without_credentials_says_to_copy_a_fresh_one(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    state_dir: Path,
) -> None:
    monkeypatch.setenv("FTL_COOKIE", "connect.sid=s%3Aexpired.signature")

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.FAILED
    assert run.outcome.headline.startswith(
        "FTL refused the session cookie from FTL_COOKIE: sign in in a browser and copy a fresh "
        "connect.sid, or set FTL_USERNAME and FTL_PASSWORD"
    )
    assert "expired.signature" not in run.outcome.headline
    assert login_requests(gated_ftl) == []


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("value.txt", "SESSION\n"),
        ("header.txt", "other=1; connect.sid=SESSION; lang=en"),
        (
            "cookies.txt",
            "www.fencingtimelive.com\tFALSE\t/\tTRUE\t1999999999\tconnect.sid\tSESSION\n",
        ),
        (
            "cookie-editor.json",
            json.dumps([{"name": "connect.sid", "value": "SESSION", "domain": "www.fencingtimelive.com"}]),
        ),
        (
            "storage_state.json",
            json.dumps(
                {
                    "cookies": [
                        {"name": "connect.sid", "value": "APEX", "domain": "fencingtimelive.com.evil"},
                        {"name": "connect.sid", "value": "SESSION", "domain": "www.fencingtimelive.com"},
                    ],
                    "origins": [],
                }
            ),
        ),
    ],
)
def test_cookies_file_formats(tmp_path: Path, file_name: str, content: str) -> None:
    path = tmp_path / file_name
    path.write_text(content)

    assert session_cookie_from_file(path, "www.fencingtimelive.com") == "SESSION"


def test_cookies_file_without_the_session_cookie_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(".example.org\tTRUE\t/\tFALSE\t0\tconnect.sid\tother\n")

    with pytest.raises(InvalidArgumentError, match=r"holds no connect\.sid cookie for www\.fencingtimelive"):
        session_cookie_from_file(path, "www.fencingtimelive.com")


# ---------------------------------------------------------------- the saved session


@deferred_f_from_coro_f
async def test_the_session_is_reused_by_the_next_run(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    credentials: None,
    state_dir: Path,
) -> None:
    await crawl(settings, fake_event)
    requests_after_first = len(gated_ftl.requests)

    second = await crawl(settings, fake_event, force_refresh=True)

    assert second.outcome.status is ExitStatus.OK
    assert gated_ftl.login_count == 1  # in total, over both runs
    second_requests = gated_ftl.requests[requests_after_first:]
    assert [r.path for r in second_requests if not r.path.startswith("/pools/")] == []
    [session] = gated_ftl.valid_session_ids
    assert {r.cookies.get("connect.sid") for r in second_requests} == {session}
    assert second.stats["ftl/login/session_source"] == "saved session"
    [saved] = session_files(state_dir)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert USERNAME not in saved.name
    assert json.loads(saved.read_text())["connect_sid"] == session


@deferred_f_from_coro_f
async def test_a_run_served_from_the_cache_does_not_log_in(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    credentials: None,
    state_dir: Path,
) -> None:
    await crawl(settings, fake_event)
    for saved in session_files(state_dir):
        saved.unlink()
    requests_after_first = len(gated_ftl.requests)

    second = await crawl(settings, fake_event)

    assert second.outcome.status is ExitStatus.OK
    assert len(gated_ftl.requests) == requests_after_first
    assert gated_ftl.login_count == 1


@deferred_f_from_coro_f
async def test_a_saved_session_ftl_refuses_is_replaced_by_one_login(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    credentials: None,
    state_dir: Path,
) -> None:
    await crawl(settings, fake_event)
    gated_ftl.expire_sessions()
    requests_after_first = len(gated_ftl.requests)

    second = await crawl(settings, fake_event, force_refresh=True)

    assert second.outcome.status is ExitStatus.OK
    assert second.bundle == fake_event.expected_bundle()
    assert gated_ftl.login_count == 2
    second_requests = gated_ftl.requests[requests_after_first:]
    logins = [r for r in second_requests if not r.path.startswith("/pools/")]
    assert [f"{r.method} {r.path}" for r in logins] == ["GET /account/login", "POST /login"]
    # the two start requests met the wall once each, then were sent again
    assert len(data_requests(gated_ftl)) - (len(fake_event.pools) + 2) == len(fake_event.pools) + 4
    [session] = gated_ftl.valid_session_ids
    [saved] = session_files(state_dir)
    assert json.loads(saved.read_text())["connect_sid"] == session


@deferred_f_from_coro_f
async def test_a_session_expiring_mid_crawl_is_renewed_once(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    credentials: None,
) -> None:
    expire_sessions_on_first_pool_request(gated_ftl)

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.OK
    assert run.bundle == fake_event.expected_bundle()
    assert gated_ftl.login_count == 2
    assert run.stats["ftl/login/session_refused"] == 1


@deferred_f_from_coro_f
async def test_a_session_refused_again_after_the_new_login_fails_the_crawl(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    credentials: None,
) -> None:
    # FTL turns every session away from the pool pages, including the one from the new login
    gated_ftl.add_fault(lambda path: path.endswith("?dbut=true"), Redirect("/account/login"), forever=True)

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.FAILED
    assert isinstance(run.outcome.errors[0], LoginRefusedError)
    assert run.outcome.headline.startswith(
        f"FTL refused the session again after 2 logins as {USERNAME} in this run"
    )
    assert gated_ftl.login_count == 2


# ---------------------------------------------------------------- configuration mistakes


@deferred_f_from_coro_f
async def test_a_password_given_on_the_command_line_is_refused(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FTL_USERNAME", USERNAME)
    settings.set("FTL_PASSWORD", PASSWORD, priority="cmdline")  # what `-s FTL_PASSWORD=...` gives

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.FAILED
    assert run.outcome.headline.startswith(
        "FTL_PASSWORD must not be given on the command line (it would stay in the shell history "
        "and in the process list): set the FTL_PASSWORD environment variable instead"
    )
    assert PASSWORD not in run.outcome.headline
    assert fake_ftl.requests == []


@deferred_f_from_coro_f
async def test_the_apex_host_is_refused_before_any_request(fake_event: FakeEvent, settings: Settings) -> None:
    settings.set("FTL_BASE_URL", "https://fencingtimelive.com", priority="cmdline")

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.FAILED
    assert isinstance(run.outcome.errors[0], InvalidArgumentError)
    assert run.outcome.headline.startswith(
        "FTL_BASE_URL must be https://www.fencingtimelive.com, not https://fencingtimelive.com"
    )
    assert run.stats.get("downloader/response_count", 0) == 0


def test_missing_credentials_from_the_command_line_exit_non_zero_with_one_line(
    gated_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path, state_dir: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENVIRONMENT}
    command = [
        sys.executable, "-m", "scrapy", "crawl", "pools",
        "-a", f"event={fake_event.event_id}",
        "-a", f"round={fake_event.pool_round_id}",
        "-s", f"FTL_BASE_URL={gated_ftl.base_url}",
        "-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}",
        "-s", f"FTL_STATE_DIR={state_dir}",
    ]  # fmt: skip
    completed = subprocess.run(
        command,
        env={**env, "SCRAPY_SETTINGS_MODULE": "ftl_scraper.settings"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == ExitStatus.FAILED
    last_line = completed.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"ftl_scraper: error: {NO_CREDENTIALS_MESSAGE} (event ")
    assert "Traceback" not in completed.stderr


# ---------------------------------------------------------------- secrets


def _secret_forms(value: str) -> set[str]:
    return {value, unquote(value), quote_plus(value)}


@pytest.mark.parametrize("source", ["environment", "settings"])
@deferred_f_from_coro_f
async def test_no_secret_in_any_log_line_cache_file_or_output_of_a_debug_run(
    gated_ftl: FakeFtlServer,
    fake_event: FakeEvent,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    state_dir: Path,
    tmp_path: Path,
    source: str,
) -> None:
    if source == "environment":
        monkeypatch.setenv("FTL_USERNAME", USERNAME)
        monkeypatch.setenv("FTL_PASSWORD", PASSWORD)
    else:  # a project's settings.py or a script's Settings: Scrapy logs "Overridden settings"
        settings.set("FTL_USERNAME", USERNAME, priority="project")
        settings.set("FTL_PASSWORD", PASSWORD, priority="project")
    settings.set("LOG_LEVEL", "DEBUG", priority="cmdline")
    caplog.set_level(logging.DEBUG)
    # the refusal and the second login have their own log lines: cover them too
    expire_sessions_on_first_pool_request(gated_ftl)

    run = await crawl(settings, fake_event)

    assert run.outcome.status is ExitStatus.OK
    sessions = {r.cookies["connect.sid"] for r in gated_ftl.requests if "connect.sid" in r.cookies}
    assert len(sessions) == 4  # two logins, each with the login form's session and its own
    secrets = set().union(_secret_forms(PASSWORD), *(_secret_forms(s) for s in sessions))
    log = caplog.text
    assert "Logged in to FTL as alice@example.com" in log
    assert "Crawled (200)" in log  # DEBUG lines were captured
    cached, cached_paths = read_cache(Path(settings["HTTPCACHE_DIR"]))
    output = json.dumps([run.bundle, run.outcome.to_json(), run.stats], default=str)
    for secret in secrets:
        assert secret not in log
        assert secret.encode() not in cached
        assert secret not in output
    assert cached_paths
    assert not cached_paths & {"/login", "/account/login"}  # neither login request was cached
    [saved] = session_files(state_dir)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


# ---------------------------------------------------------------- the session store


def test_session_store_round_trip_is_owner_only_and_keyed_by_account_and_host(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "state")
    expires = time.time() + 86400

    path = store.save(USERNAME, "www.fencingtimelive.com", StoredSession("s%3Aabc.def", expires))

    assert store.load("Alice@Example.com", "www.fencingtimelive.com") == StoredSession("s%3Aabc.def", expires)
    assert store.load(USERNAME, "127.0.0.1:8080") is None
    assert store.load("bob@example.com", "www.fencingtimelive.com") is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    assert "alice" not in path.name
    assert "abc.def" not in repr(StoredSession("s%3Aabc.def", expires))


def test_session_store_forgets_expired_and_damaged_sessions(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    store.save(USERNAME, "host", StoredSession("old", time.time() + 60))  # inside the margin
    damaged = store.path_for("bob@example.com", "host")
    damaged.write_text("{not json")

    assert store.load(USERNAME, "host") is None
    assert not store.path_for(USERNAME, "host").exists()
    assert store.load("bob@example.com", "host") is None
