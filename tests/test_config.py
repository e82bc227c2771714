"""The one configuration check: every bad setting is refused before the crawl, in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.settings import Settings

from ftl_scraper.cassette.format import INDEX_FILE
from ftl_scraper.config import FtlSettings, check_settings
from ftl_scraper.errors import CassetteFormatError, InvalidArgumentError, InvalidSettingError
from tests.crawling import project_settings


def settings_with(**overrides: object) -> Settings:
    return project_settings(**overrides)  # given at command-line priority, as `-s` does


def test_the_projects_own_settings_pass() -> None:
    checked = check_settings(project_settings())

    assert checked.FTL_BASE_URL == "https://www.fencingtimelive.com"
    assert checked.CONCURRENT_REQUESTS_PER_DOMAIN == 8


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "FTL_CASSETTE_MODE",
            "sideways",
            "FTL_CASSETTE_MODE must be one of replay, record, new_episodes, once; got 'sideways'",
        ),
        (
            "FTL_BASE_URL",
            "ftp://ftl.example",
            "FTL_BASE_URL must be an http(s) site root, got 'ftp://ftl.example'",
        ),
        ("DOWNLOAD_TIMEOUT", "abc", "DOWNLOAD_TIMEOUT must be a valid number, got 'abc'"),
        ("DOWNLOAD_TIMEOUT", "0", "DOWNLOAD_TIMEOUT must be greater than 0, got '0'"),
        (
            "FTL_CIRCUIT_BREAKER_THRESHOLD",
            "-3",
            "FTL_CIRCUIT_BREAKER_THRESHOLD must be greater than or equal to 0, got '-3'",
        ),
        (
            "CONCURRENT_REQUESTS_PER_DOMAIN",
            "0",
            "CONCURRENT_REQUESTS_PER_DOMAIN must be greater than or equal to 1, got '0'",
        ),
        (
            "CONCURRENT_REQUESTS_PER_DOMAIN",
            "-2",
            "CONCURRENT_REQUESTS_PER_DOMAIN must be greater than or equal to 1, got '-2'",
        ),
        ("RETRY_TIMES", "many", "RETRY_TIMES must be a valid integer, got 'many'"),
        ("RETRY_HTTP_CODES", "500,five", "RETRY_HTTP_CODES items must be a valid integer, got 'five'"),
        ("HTTPCACHE_ENABLED", "maybe", "HTTPCACHE_ENABLED must be a valid boolean, got 'maybe'"),
        (
            "FTL_RETRY_BACKOFF_BASE",
            "-1",
            "FTL_RETRY_BACKOFF_BASE must be greater than or equal to 0, got '-1'",
        ),
    ],
)
def test_a_bad_setting_is_named_with_what_it_must_hold(name: str, value: str, message: str) -> None:
    with pytest.raises(InvalidSettingError) as raised:
        check_settings(settings_with(**{name: value}))

    assert str(raised.value) == message


def test_a_misspelt_ftl_setting_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(InvalidSettingError) as raised:
        check_settings(settings_with(FTL_CASETTE="demo"))

    assert str(raised.value).startswith("unknown setting FTL_CASETTE (known: FTL_BASE_URL, ")
    assert " FTL_CASSETTE, " in str(raised.value)


def test_a_missing_cassette_folder_is_refused_in_replay(tmp_path: Path) -> None:
    with pytest.raises(InvalidSettingError) as raised:
        check_settings(settings_with(FTL_CASSETTE=str(tmp_path / "nowhere")))

    assert str(raised.value).startswith(
        "FTL_CASSETTE must be a recorded cassette folder or a shipped name (demo"
    )
    assert str(tmp_path / "nowhere" / INDEX_FILE) in str(raised.value)


def test_a_missing_cassette_folder_is_fine_for_a_recording(tmp_path: Path) -> None:
    check_settings(settings_with(FTL_CASSETTE=str(tmp_path / "new"), FTL_CASSETTE_MODE="record"))


def test_a_broken_cassette_index_is_refused(tmp_path: Path) -> None:
    (tmp_path / INDEX_FILE).write_text("{not json", encoding="utf-8")

    with pytest.raises(CassetteFormatError) as raised:
        check_settings(settings_with(FTL_CASSETTE=str(tmp_path)))

    assert str(raised.value).startswith(f"cannot read cassette {tmp_path / INDEX_FILE}: ")


@pytest.mark.parametrize("secret", ["FTL_PASSWORD", "FTL_COOKIE"])
def test_a_secret_on_the_command_line_is_refused_even_over_a_cassette(secret: str) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        check_settings(settings_with(FTL_CASSETTE="demo", **{secret: "hunter2"}))

    assert str(raised.value).startswith(f"{secret} must not be given on the command line")
    assert "hunter2" not in str(raised.value)


def test_scrapys_defaults_with_ours_pass_and_ours_are_plain_json() -> None:
    check_settings(Settings())  # no project module at all: Scrapy's defaults and the addon's

    assert json.loads(json.dumps(FtlSettings.defaults())) == FtlSettings.defaults()
