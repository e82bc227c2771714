"""The retry delay: exponential, jittered, capped, and stretched by Retry-After (no crawl needed)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from ftl_scraper.addon import FtlAddon
from ftl_scraper.fetching.retry import Backoff, BackoffRetryMiddleware, parse_retry_after


def test_delay_doubles_from_the_base_with_jitter_below_one_base() -> None:
    backoff = Backoff(base=0.5, cap=100.0, rng=random.Random(1))
    for retry_number, exponential in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0)):
        delays = [backoff.delay(retry_number) for _ in range(200)]
        assert exponential <= min(delays)
        assert max(delays) < exponential + 0.5
        assert max(delays) - min(delays) > 0.4  # the jitter really spreads retries out


def test_delay_never_exceeds_the_cap() -> None:
    backoff = Backoff(base=0.5, cap=8.0, rng=random.Random(1))
    assert backoff.delay(5) == 8.0  # 0.5 * 2**4 = 8 plus jitter, capped
    assert backoff.delay(30) == 8.0


def test_a_seed_makes_the_delays_reproducible() -> None:
    first = Backoff(base=0.5, cap=8.0, rng=random.Random(42))
    second = Backoff(base=0.5, cap=8.0, rng=random.Random(42))
    assert [first.delay(n) for n in (1, 2, 3)] == [second.delay(n) for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(b"7", 7.0), ("0", 0.0), (b" 120 ", 120.0), (None, None), (b"soon", None), (b"-3", None)],
)
def test_retry_after_in_seconds(header: bytes | str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 4, 14, 9, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True).encode()
    earlier = format_datetime(now - timedelta(seconds=90), usegmt=True).encode()
    assert parse_retry_after(later, now=now) == 90.0
    assert parse_retry_after(earlier, now=now) == 0.0  # a date in the past means "now"


def _middleware(**settings: object) -> BackoffRetryMiddleware:
    crawler = get_crawler(
        settings_dict={
            "ADDONS": {FtlAddon: 0},
            "FTL_RETRY_BACKOFF_BASE": 0.5,
            "FTL_RETRY_BACKOFF_MAX": 8.0,
            **settings,
        }
    )
    return BackoffRetryMiddleware.from_crawler(crawler)


def _retry(number: int) -> Request:
    return Request("https://ftl.example/pools", meta={"retry_times": number})


def test_middleware_reads_its_settings_and_uses_the_seed() -> None:
    one = _middleware(FTL_RETRY_BACKOFF_BASE=0.2, FTL_RETRY_BACKOFF_MAX=3.0, FTL_RETRY_JITTER_SEED=5)
    two = _middleware(FTL_RETRY_BACKOFF_BASE=0.2, FTL_RETRY_BACKOFF_MAX=3.0, FTL_RETRY_JITTER_SEED=5)
    assert (one.backoff.base, one.backoff.cap) == (0.2, 3.0)
    delays = [one.delay_for(_retry(n), None) for n in (1, 2, 3)]
    assert delays == [two.delay_for(_retry(n), None) for n in (1, 2, 3)]
    assert 0.2 <= delays[0] < 0.4 <= delays[1] < 0.6 <= 0.8 <= delays[2] < 1.0


def test_a_longer_retry_after_wins_a_shorter_one_does_not() -> None:
    middleware = _middleware(FTL_RETRY_JITTER_SEED=5)
    assert middleware.delay_for(_retry(1), 4.0) == 4.0
    short = middleware.delay_for(_retry(1), 0.1)
    assert 0.5 <= short < 1.0  # our own backoff still applies


def test_project_defaults_match_the_documented_policy() -> None:
    settings = get_crawler(settings_dict={"ADDONS": {FtlAddon: 0}}).settings  # only the addon
    assert settings.getint("DOWNLOAD_TIMEOUT") == 10
    assert settings.getint("RETRY_TIMES") == 2  # 3 attempts in all
    assert settings.getfloat("FTL_RETRY_BACKOFF_BASE") == 0.5
    assert settings.getfloat("FTL_RETRY_BACKOFF_MAX") == 8.0
    assert settings.getfloat("FTL_RETRY_AFTER_MAX") == 30.0
    assert settings.getint("FTL_CIRCUIT_BREAKER_THRESHOLD") == 5
    # 5xx plus 408 (timeout) and 429 (slow down); no other 4xx is retried
    retried = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
    assert {code for code in retried if code < 500} == {408, 429}
