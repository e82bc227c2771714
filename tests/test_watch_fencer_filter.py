"""The ``fencers=`` filter: names without case or accents, and which lines involve a fencer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.models.changes import (
    BoutScored,
    FencerWithdrawn,
    PoolFinished,
    PoolStripAssigned,
    RoundFinished,
)
from ftl_scraper.watch.fencer_filter import FencerFilter, name_key

IDS = {
    "at": datetime(2026, 4, 18, 10, 0, tzinfo=UTC),
    "event_id": "9CABEAEBA11F0F03B153FA889658645E",
    "pool_round_id": "5F313927C3AE7337DEE549EEBEC0B135",
}
POOL_ID = "17BC112FAB86BD7D93B69DC25DF6BD28"
POOL_3 = {**IDS, "pool_id": POOL_ID, "pool_number": 3}
MEMBERS = {POOL_ID: ["LEFÈVRE Chloé", "WIŚNIEWSKA Zuzanna", "NGUYEN Harper"]}


def bout(fencer_a: str, fencer_b: str) -> BoutScored:
    return BoutScored(
        **POOL_3,
        position_a=1,
        position_b=2,
        fencer_a=fencer_a,
        fencer_b=fencer_b,
        score_a=5,
        score_b=3,
        winner="A",
    )


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("LEFÈVRE Chloé", "lefevre chloe"),
        ("  WIŚNIEWSKA   Zuzanna ", "wisniewska zuzanna"),
        ("DE LA TOUR Anne-Sophie", "de la tour anne-sophie"),
        ("ÖZTÜRK Ayşe", "ozturk ayse"),
    ],
)
def test_names_compare_without_case_accents_or_extra_spaces(written: str, key: str) -> None:
    assert name_key(written) == key


def test_the_argument_is_a_semicolon_separated_list() -> None:
    fencer_filter = FencerFilter.parse("lefevre chloe; ;Wisniewska ZUZANNA;")

    assert fencer_filter.names == {"lefevre chloe", "wisniewska zuzanna"}
    assert fencer_filter.tracks("LEFÈVRE Chloé")
    assert not fencer_filter.tracks("LEFÈVRE Camille")


def test_an_argument_naming_nobody_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="give at least one name"):
        FencerFilter.parse(" ; ")


def test_lines_that_involve_a_tracked_fencer_are_kept() -> None:
    fencer_filter = FencerFilter.parse("Lefevre Chloe")

    assert fencer_filter.keeps(bout("NGUYEN Harper", "LEFÈVRE Chloé"), MEMBERS)
    assert not fencer_filter.keeps(bout("NGUYEN Harper", "WIŚNIEWSKA Zuzanna"), MEMBERS)
    withdrawn = {"position": 1, "status_label": "Medical Withdrawal"}
    assert fencer_filter.keeps(FencerWithdrawn(**POOL_3, name="LEFÈVRE Chloé", **withdrawn), MEMBERS)
    assert not fencer_filter.keeps(FencerWithdrawn(**POOL_3, name="NGUYEN Harper", **withdrawn), MEMBERS)


def test_pool_lines_are_kept_for_the_pools_of_tracked_fencers() -> None:
    strip = PoolStripAssigned(**POOL_3, strip="5", start_time="9:00 AM")

    assert FencerFilter.parse("wisniewska zuzanna").keeps(strip, MEMBERS)
    assert FencerFilter.parse("wisniewska zuzanna").keeps(PoolFinished(**POOL_3), MEMBERS)
    assert not FencerFilter.parse("KIM Ji Woo").keeps(strip, MEMBERS)
    assert not FencerFilter.parse("KIM Ji Woo").keeps(PoolFinished(**POOL_3), MEMBERS)


def test_round_lines_are_always_kept() -> None:
    assert FencerFilter.parse("KIM Ji Woo").keeps(RoundFinished(**IDS, pool_count=3), MEMBERS)
