"""Spider arguments: Scrapyd's ``_``-prefixed job arguments pass, any other unknown name is refused."""

from __future__ import annotations

import pytest

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.spiders import PoolsSpider
from ftl_scraper.spiders.arguments import PoolsArguments

EVENT_ID = "9CABEAEBA11F0F03B153FA889658645E"
ROUND_ID = "5F313927C3AE7337DEE549EEBEC0B135"


@pytest.mark.parametrize("service_arguments", [{"_job": "6487ec79"}, {"_job": "1", "_version": "r12"}])
def test_scrapyd_arguments_are_accepted_on_top_of_the_spiders_own(service_arguments: dict[str, str]) -> None:
    arguments = PoolsArguments.parse({"event": EVENT_ID.lower(), "round": ROUND_ID, **service_arguments})
    assert (arguments.event_id, arguments.pool_round_id) == (EVENT_ID, ROUND_ID)
    spider = PoolsSpider(event=EVENT_ID, round=ROUND_ID, **service_arguments)
    assert (spider.event_id, spider.pool_round_id) == (EVENT_ID, ROUND_ID)


@pytest.mark.parametrize("name", ["job", "evnt", "job_"])
def test_an_unknown_argument_without_the_prefix_is_still_refused(name: str) -> None:
    refused = f"unknown spider argument '{name}' \\(known: event, round"
    with pytest.raises(InvalidArgumentError, match=refused):
        PoolsArguments.parse({"event": EVENT_ID, "round": ROUND_ID, "_job": "1", name: "x"})


def test_a_scrapyd_argument_does_not_stand_in_for_a_missing_one() -> None:
    with pytest.raises(InvalidArgumentError, match="give both event=<eventID> and round=<poolRoundID>"):
        PoolsArguments.parse({"event": EVENT_ID, "_round": ROUND_ID})
