"""The plain-Python entry point, ``fetch_pools_bundle``: repeatable in one process, errors as exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftl_scraper import FtlError, fetch_pools_bundle
from ftl_scraper.errors import CassetteFormatError, HttpStatusError, InvalidArgumentError, InvalidSettingError
from tests.fakeftl import FakeEvent, FakeFtlServer, Status


def _settings(server: FakeFtlServer, tmp_path: Path) -> dict[str, object]:
    return {"FTL_BASE_URL": server.base_url, "HTTPCACHE_DIR": str(tmp_path / "cache")}


def test_two_calls_in_one_process_return_the_bundle(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    settings = _settings(fake_ftl, tmp_path)

    first = fetch_pools_bundle(fake_event.event_id, fake_event.pool_round_id, settings=settings)
    second = fetch_pools_bundle(
        fake_event.event_id, fake_event.pool_round_id, force_refresh=True, settings=settings
    )

    assert first == fake_event.expected_bundle()
    assert second == first
    assert len(fake_ftl.requests) == 2 * (len(fake_event.pools) + 2)


def test_a_failed_pool_raises_the_projects_error_with_its_context(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    pool_id = fake_event.pool_ids[3]
    fake_ftl.add_fault(
        f"/pools/scores/{fake_event.event_id}/{fake_event.pool_round_id}/{pool_id}", Status(404)
    )

    with pytest.raises(HttpStatusError) as raised:
        fetch_pools_bundle(
            fake_event.event_id, fake_event.pool_round_id, settings=_settings(fake_ftl, tmp_path)
        )

    error = raised.value
    assert isinstance(error, FtlError)
    assert error.status == 404
    assert error.pool_id == pool_id
    assert error.event_id == fake_event.event_id
    assert error.url is not None
    assert error.url.startswith(fake_ftl.base_url)
    assert pool_id in str(error)
    assert "404" in str(error)


def test_a_malformed_id_fails_before_any_request(fake_ftl: FakeFtlServer, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="round must be a 32-character hexadecimal FTL ID"):
        fetch_pools_bundle("A" * 32, "not-an-id", settings=_settings(fake_ftl, tmp_path))

    assert fake_ftl.requests == []


def test_credentials_given_as_settings_log_in_without_touching_the_command_line(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    fake_ftl.require_login = True
    fake_ftl.accounts["coach@example.com"] = "s3cret-pw"
    settings = {
        **_settings(fake_ftl, tmp_path),
        "FTL_USERNAME": "coach@example.com",
        "FTL_PASSWORD": "s3cret-pw",
    }

    bundle = fetch_pools_bundle(fake_event.event_id, fake_event.pool_round_id, settings=settings)

    assert bundle == fake_event.expected_bundle()
    assert fake_ftl.login_count == 1


def test_a_bad_setting_raises_the_typed_error_before_any_request(
    fake_ftl: FakeFtlServer, fake_event: FakeEvent, tmp_path: Path
) -> None:
    settings = {**_settings(fake_ftl, tmp_path), "FTL_CIRCUIT_BREAKER_THRESHOLD": -3}

    with pytest.raises(InvalidSettingError) as raised:
        fetch_pools_bundle(fake_event.event_id, fake_event.pool_round_id, settings=settings)

    assert str(raised.value) == "FTL_CIRCUIT_BREAKER_THRESHOLD must be greater than or equal to 0, got '-3'"
    assert fake_ftl.requests == []


def test_a_broken_cassette_comes_back_as_its_own_error_type(fake_event: FakeEvent, tmp_path: Path) -> None:
    cassette = tmp_path / "cassette"
    cassette.mkdir()
    (cassette / "index.json").write_text('{"cassette_format": 99}', encoding="utf-8")

    with pytest.raises(CassetteFormatError) as raised:
        fetch_pools_bundle(
            fake_event.event_id, fake_event.pool_round_id, settings={"FTL_CASSETTE": str(cassette)}
        )

    assert (
        str(raised.value) == f"cannot read cassette {cassette / 'index.json'}: cassette_format is 99, not 1"
    )
