"""Shared fixtures: one stand-in FTL on 127.0.0.1 for the session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.settings import Settings

from tests.crawling import project_settings
from tests.fakeftl import FakeEvent, FakeFtlServer, generate_event


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's FTL account, session state or cache folder."""
    for name in ("FTL_USERNAME", "FTL_PASSWORD", "FTL_COOKIE", "FTL_COOKIES_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FTL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("FTL_CACHE_DIR", str(tmp_path / "default-cache"))


@pytest.fixture(scope="session")
def fake_event() -> FakeEvent:
    """A realistic 24-pool round: V4/V3 wins, a medical withdrawal, a no-show, reused strips."""
    return generate_event(seed=11, pool_count=24)


@pytest.fixture(scope="session")
def fake_ftl_server(fake_event: FakeEvent) -> Iterator[FakeFtlServer]:
    with FakeFtlServer(fake_event) as server:
        yield server


@pytest.fixture
def fake_ftl(fake_ftl_server: FakeFtlServer) -> FakeFtlServer:
    """The session's server with no faults, records or sessions left from earlier tests."""
    fake_ftl_server.reset()
    return fake_ftl_server


@pytest.fixture
def crawl_settings(fake_ftl: FakeFtlServer, tmp_path: Path) -> Settings:
    """Project settings pointed at the stand-in FTL, with a cache of this test's own."""
    return project_settings(
        FTL_BASE_URL=fake_ftl.base_url,
        HTTPCACHE_DIR=str(tmp_path / "httpcache"),
        LOG_LEVEL="INFO",
    )
