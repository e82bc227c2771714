"""The politeness cap that the crawls of one client share."""

from __future__ import annotations

import copy

import pytest

from ftl_scraper.fetching.transfer_cap import SharedTransferCap


def test_no_more_transfers_than_the_limit_are_taken() -> None:
    cap = SharedTransferCap(2)

    taken = [cap.try_take() for _ in range(3)]

    assert taken == [True, True, False]
    assert cap.in_flight == 2


def test_a_released_transfer_wakes_the_crawls_waiting_for_room() -> None:
    cap = SharedTransferCap(1)
    woken: list[str] = []
    cap.subscribe(lambda: woken.append("first") if cap.try_take() else None)
    cap.subscribe(lambda: woken.append("second") if cap.try_take() else None)
    assert cap.try_take()

    cap.release()

    # the first waiter takes the freed room; the second is not woken into a full cap
    assert woken == ["first"]
    assert cap.in_flight == 1


def test_an_unsubscribed_crawl_is_not_woken() -> None:
    cap = SharedTransferCap(1)
    woken: list[int] = []

    def wake_up() -> None:
        woken.append(1)

    cap.subscribe(wake_up)
    cap.unsubscribe(wake_up)
    cap.try_take()
    cap.release()

    assert woken == []


def test_copies_of_the_settings_keep_the_one_cap() -> None:
    cap = SharedTransferCap(8)

    assert copy.deepcopy({"FTL_SHARED_TRANSFER_CAP": cap})["FTL_SHARED_TRANSFER_CAP"] is cap
    assert copy.copy(cap) is cap


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SharedTransferCap(0)
