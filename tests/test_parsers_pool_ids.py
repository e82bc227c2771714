"""Tests for parse_pool_ids (the pools page) and the shared login-page check."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftl_scraper.errors import LoginRequiredError, PoolIdsParseError
from ftl_scraper.parsers import is_login_page, parse_pool_ids

FILES = Path(__file__).parent / "files"

ROUND_POOL_IDS = [
    "D41C8E2A7F3B4C9E8A1D6F0B2E5C7A93",
    "0027C9F1B4E84A3D9C6E1F7A2B5D8E04",
    "7E2B9A4C1F6D4E8BA3C5D0E7F9B1A2C6",
    "A3F6C1E9D2B74A58E0C4F1B6D9A3E7C2",
    "5B8E1D4A7C2F4E90B6A3D8C1F5E2B7A9",
]


def read_fixture(name: str) -> str:
    return (FILES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "fixture",
    [
        "pools_page_compact_ids.html",
        # single quotes, lower case, a duplicate, tabs and a trailing comma
        "pools_page_multiline_ids.html",
        "pools_page_placeholders_only.html",
    ],
)
def test_pool_ids_in_page_order_upper_cased_once_each(fixture: str) -> None:
    assert parse_pool_ids(read_fixture(fixture)) == ROUND_POOL_IDS


def test_ids_array_wins_over_placeholders() -> None:
    first, second = ROUND_POOL_IDS[:2]
    html = f'<div id="pool_{first}"></div><script>var ids = ["{second}"];</script>'
    assert parse_pool_ids(html) == [second]


def test_empty_ids_array_falls_back_to_placeholders() -> None:
    html = f'<script>var ids = [ ];</script><div id="pool_{ROUND_POOL_IDS[0].lower()}"></div>'
    assert parse_pool_ids(html) == [ROUND_POOL_IDS[0]]


def test_ids_array_spread_over_lines_with_spaces_around_equals() -> None:
    html = f'<script>\nvar   ids\n=\n[\n  "{ROUND_POOL_IDS[0]}"\n]\n;</script>'
    assert parse_pool_ids(html) == [ROUND_POOL_IDS[0]]


def test_not_published_page_raises_one_clear_line() -> None:
    with pytest.raises(PoolIdsParseError) as caught:
        parse_pool_ids(read_fixture("pools_page_not_published.html"))
    assert caught.value.message == ("no pool IDs on the pools page: not published yet, or not a pools page")


@pytest.mark.parametrize("html", ["<html><body><p>Nothing here</p></body></html>", "", "{}"])
def test_page_without_pools_raises_parse_error(html: str) -> None:
    with pytest.raises(PoolIdsParseError, match="no pool IDs on the pools page"):
        parse_pool_ids(html)


def test_bad_token_in_ids_array_is_named() -> None:
    with pytest.raises(PoolIdsParseError, match=r"'POOL-3' is not a 32-character hex pool ID"):
        parse_pool_ids(read_fixture("pools_page_bad_id.html"))


def test_unquoted_token_in_ids_array_is_named() -> None:
    with pytest.raises(PoolIdsParseError, match=r"'firstPool' is not a 32-character hex pool ID"):
        parse_pool_ids(f'<script>var ids = ["{ROUND_POOL_IDS[0]}", firstPool];</script>')


def test_login_page_raises_login_required() -> None:
    with pytest.raises(LoginRequiredError, match="FTL requires login for this page"):
        parse_pool_ids(read_fixture("login_page.html"))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<form id="loginForm" method="post" action="/login"></form>', True),
        ('<form method="post" action="/login"><input name="username"></form>', True),
        ("<form method='POST' action='https://www.fencingtimelive.com/login'></form>", True),
        ('<a class="btn" href="/account/login?r=L3Bvb2xz">Log in</a>', False),
        ('<form action="/search"><input name="q"></form>', False),
    ],
)
def test_is_login_page(html: str, expected: bool) -> None:
    assert is_login_page(html) is expected


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("login_page.html", True),
        ("pools_page_compact_ids.html", False),
        ("pool_7_complete_flags.html", False),
        ("pool_whole_page.html", False),
    ],
)
def test_is_login_page_on_fixtures(fixture: str, expected: bool) -> None:
    assert is_login_page(read_fixture(fixture)) is expected
