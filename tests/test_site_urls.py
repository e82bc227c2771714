"""Every kind of FTL link is read into the IDs it carries; other sites and kinds are refused."""

from __future__ import annotations

import pytest

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.site.urls import check_url_host, classify_ftl_url, link_for_spider
from ftl_scraper.spiders.arguments import EventArguments, PoolsArguments, TournamentArguments

T = "D0C0FFEE0000000000000000000000A1"
E = "E0E0E0E0000000000000000000000B02"
R = "A0A0A0A0000000000000000000000C03"
D = "DEDEDEDE000000000000000000000D04"
P = "B0B0B0B0000000000000000000000E05"
FTL = "https://www.fencingtimelive.com"


@pytest.mark.parametrize(
    ("path", "kind", "ids"),
    [
        (f"/tournaments/eventSchedule/{T}", "tournament", {"tournament_id": T}),
        (f"/tournaments/medals/{T}", "tournament", {"tournament_id": T}),
        (f"/events/view/{E}", "event", {"event_id": E}),
        (f"/events/results/{E}", "event", {"event_id": E}),
        (f"/events/results/data/{E}", "event", {"event_id": E}),
        (f"/events/competitors/{E}", "event", {"event_id": E}),
        (f"/events/format/{E}", "event", {"event_id": E}),
        (f"/pools/scores/{E}/{R}", "pool_round", {"event_id": E, "pool_round_id": R}),
        (f"/pools/scores/{E}/{R}/{P}?dbut=true", "pool_round", {"event_id": E, "pool_round_id": R}),
        (f"/pools/results/data/{E}/{R}", "pool_round", {"event_id": E, "pool_round_id": R}),
        (f"/pools/details/{E}/{R}/{P}", "pool_round", {"event_id": E, "pool_round_id": R}),
        (f"/tableaus/scores/{E}/{D}", "tableau", {"event_id": E, "tableau_id": D}),
        (f"/tableaus/scores/{E}/{D}/trees/{P}/tables/1/4", "tableau", {"event_id": E, "tableau_id": D}),
    ],
)
def test_each_url_kind_gives_its_ids(path: str, kind: str, ids: dict[str, str]) -> None:
    link = classify_ftl_url(f"{FTL}{path}")

    assert link.kind == kind
    found = {
        name: getattr(link, name)
        for name in ("tournament_id", "event_id", "pool_round_id", "tableau_id")
        if getattr(link, name)
    }
    assert found == ids


def test_lower_case_ids_are_upper_cased() -> None:
    assert classify_ftl_url(f"{FTL}/events/view/{E.lower()}").event_id == E


def test_a_trailing_slash_and_a_missing_scheme_are_accepted() -> None:
    assert classify_ftl_url(f"www.fencingtimelive.com/events/results/{E}/").event_id == E


@pytest.mark.parametrize("url", [f"{FTL}/", f"{FTL}/events/results/1234", f"{FTL}/account/login", "junk"])
def test_a_url_of_no_known_kind_is_refused(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="not an FTL tournament, event, pools or tableau page"):
        classify_ftl_url(url)


def test_the_pools_spider_names_the_spider_for_an_event_url() -> None:
    with pytest.raises(InvalidArgumentError, match=r"an event page.*scrapy crawl event"):
        PoolsArguments.parse({"url": f"{FTL}/events/results/{E}"})


def test_the_event_spider_names_the_spider_for_a_schedule_url() -> None:
    with pytest.raises(InvalidArgumentError, match=r"a tournament page.*scrapy crawl tournament"):
        EventArguments.parse({"url": f"{FTL}/tournaments/eventSchedule/{T}"})


def test_a_kind_outside_the_accepted_ones_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match=r"a tableau page.*pools spider"):
        link_for_spider(f"{FTL}/tableaus/scores/{E}/{D}", "pools", ("pool_round",))


@pytest.mark.parametrize(
    "url",
    [
        f"{FTL}/events/view/{E}",
        f"http://fencingtimelive.com/events/view/{E}",
        f"{FTL.upper()}/events/view/{E}",
    ],
)
def test_urls_on_ftl_base_urls_host_pass(url: str) -> None:
    check_url_host(url, FTL)


@pytest.mark.parametrize(
    "url",
    [
        f"https://evil.example/events/view/{E}",
        f"https://www.fencingtimelive.com.evil.example/events/view/{E}",
        f"http://127.0.0.1:9/events/view/{E}",
    ],
)
def test_urls_of_another_site_are_refused(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match=r"url must be on www\.fencingtimelive\.com"):
        check_url_host(url, FTL)


def test_a_stand_in_base_url_accepts_its_own_host_and_port_only() -> None:
    check_url_host(f"http://127.0.0.1:8123/events/view/{E}", "http://127.0.0.1:8123")
    with pytest.raises(InvalidArgumentError):
        check_url_host(f"http://127.0.0.1:8124/events/view/{E}", "http://127.0.0.1:8123")


def test_event_arguments_take_an_id_or_any_event_url() -> None:
    assert EventArguments.parse({"event": E.lower()}).event_id == E
    assert EventArguments.parse({"url": f"{FTL}/tableaus/scores/{E}/{D}"}).event_id == E
    with pytest.raises(InvalidArgumentError, match="give event="):
        EventArguments.parse({})


def test_tournament_arguments_from_an_event_url_keep_the_event() -> None:
    arguments = TournamentArguments.parse({"url": f"{FTL}/pools/scores/{E}/{R}"})

    assert (arguments.tournament_id, arguments.event_id) == (None, E)


def test_the_events_filter_is_a_case_insensitive_regex() -> None:
    arguments = TournamentArguments.parse({"tournament": T, "events": "junior.*foil"})

    assert arguments.wants_event("Junior Women's Foil")
    assert not arguments.wants_event("Cadet Men's Foil")


def test_a_bad_events_regex_is_one_readable_error() -> None:
    with pytest.raises(InvalidArgumentError, match="events is not a regular expression"):
        TournamentArguments.parse({"tournament": T, "events": "junior(foil"})
