"""Parsed pages remembered by content: the same page gives the same model without parsing again, and
only the latest version of each page is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftl_scraper.errors import ParseError
from ftl_scraper.parsers import memo, parse_pool_html, parse_pool_results
from ftl_scraper.parsers.memo import parse_pool_html_once, parse_pool_results_once

FILES = Path(__file__).parent / "files"
EVENT_ID, ROUND_ID = "A" * 32, "B" * 32


def test_a_page_seen_before_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    html = (FILES / "pool_medical_withdrawal.html").read_text(encoding="utf-8")
    first = parse_pool_html_once(html, "C" * 32)
    monkeypatch.setattr(memo, "parse_pool_html", _must_not_parse)

    again = parse_pool_html_once(html, "C" * 32)

    assert again == first == parse_pool_html(html, "C" * 32)


def test_a_changed_page_is_parsed_afresh() -> None:
    before = (FILES / "pool_not_started.html").read_text(encoding="utf-8")
    after = (FILES / "pool_in_progress.html").read_text(encoding="utf-8")

    assert parse_pool_html_once(before, "D" * 32) == parse_pool_html(before, "D" * 32)
    assert parse_pool_html_once(after, "D" * 32) == parse_pool_html(after, "D" * 32)


def test_a_page_keeps_only_its_latest_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = (FILES / "pool_not_started.html").read_text(encoding="utf-8")
    after = (FILES / "pool_in_progress.html").read_text(encoding="utf-8")
    pool_id = "A1" * 16
    parse_pool_html_once(before, pool_id)
    parse_pool_html_once(after, pool_id)
    parsed: list[str] = []

    def counting_parse(html: str, pool_id: str | None = None) -> object:
        parsed.append(html)
        return parse_pool_html(html, pool_id)

    monkeypatch.setattr(memo, "parse_pool_html", counting_parse)

    assert parse_pool_html_once(after, pool_id) == parse_pool_html(after, pool_id)
    assert parsed == []
    # the earlier version was dropped when the page changed, not kept beside the latest
    assert parse_pool_html_once(before, pool_id) == parse_pool_html(before, pool_id)
    assert parsed == [before]


def test_each_page_keeps_its_own_latest_version(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {
        "B2" * 16: (FILES / "pool_not_started.html").read_text(encoding="utf-8"),
        "C3" * 16: (FILES / "pool_in_progress.html").read_text(encoding="utf-8"),
    }
    for pool_id, html in pages.items():
        parse_pool_html_once(html, pool_id)
    monkeypatch.setattr(memo, "parse_pool_html", _must_not_parse)

    for pool_id, html in pages.items():
        assert parse_pool_html_once(html, pool_id) == parse_pool_html(html, pool_id)


def test_the_same_results_for_another_round_are_read_for_that_round() -> None:
    body = (FILES / "pool_results.json").read_bytes()

    for round_id in (ROUND_ID, "E" * 32):
        assert parse_pool_results_once(body, EVENT_ID, round_id) == parse_pool_results(
            body, EVENT_ID, round_id
        )


def test_a_page_that_does_not_parse_fails_every_time() -> None:
    html = (FILES / "pool_malformed_no_rows.html").read_text(encoding="utf-8")

    for _ in range(2):
        with pytest.raises(ParseError):
            parse_pool_html_once(html, "F" * 32)


def _must_not_parse(*_: object) -> None:
    raise AssertionError("parsed again")
