"""The fake FTL itself: ground truth consistent, markup served, faults and login behave."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import pytest
import requests

from ftl_scraper.models import PoolsBundle

from .fakeftl import (
    FAILED_TO_APPEAR,
    MEDICAL_WITHDRAWAL,
    Body,
    Delay,
    FakeEvent,
    FakeFtlServer,
    Redirect,
    Reset,
    Status,
    generate_event,
)

ACCOUNT = ("fencer@example.com", "s3cret")


@pytest.fixture(scope="module")
def event() -> FakeEvent:
    return generate_event(seed=7)


@pytest.fixture(scope="module")
def running_server(event: FakeEvent) -> Iterator[FakeFtlServer]:
    with FakeFtlServer(event, accounts=dict([ACCOUNT])) as server:
        yield server


@pytest.fixture
def server(running_server: FakeFtlServer) -> FakeFtlServer:
    running_server.reset()
    return running_server


def pools_path(event: FakeEvent) -> str:
    return f"/pools/scores/{event.event_id}/{event.pool_round_id}"


def results_path(event: FakeEvent) -> str:
    return f"/pools/results/data/{event.event_id}/{event.pool_round_id}"


# ---------------------------------------------------------------- ground truth


def test_bouts_cover_every_pair_and_winner_scores_more(event: FakeEvent) -> None:
    for pool in event.pools:
        size = len(pool.fencers)
        assert [(b.position_a, b.position_b) for b in pool.bouts] == [
            (a, b) for a in range(1, size + 1) for b in range(a + 1, size + 1)
        ]
        for bout in pool.bouts:
            if bout.status == "complete":
                assert bout.score_a is not None
                assert bout.score_b is not None
                winner, loser = sorted((bout.score_a, bout.score_b), reverse=True)
                assert winner > loser
                assert bout.winner == ("A" if bout.score_a > bout.score_b else "B")


def test_withdrawn_fencers_have_annulled_bouts_and_no_results(event: FakeEvent) -> None:
    labels = {}
    for pool in event.pools:
        for fencer in pool.fencers:
            if fencer.status == "withdrawn":
                labels[fencer.name] = fencer.status_label or ""
                assert fencer.victories is None
                assert fencer.indicator is None
                theirs = [b for b in pool.bouts if fencer.position in (b.position_a, b.position_b)]
                assert {(b.status, b.score_a, b.winner) for b in theirs} == {("annulled", None, None)}
    assert sorted(labels.values()) == sorted([FAILED_TO_APPEAR, MEDICAL_WITHDRAWAL])
    assert not set(labels) & {row["name"] for row in event.results_json}


def test_results_rank_every_active_fencer_in_place_order(event: FakeEvent) -> None:
    active = [f for p in event.pools for f in p.fencers if f.status == "active"]
    rows = event.results_json
    assert len(rows) == len(active)
    places = [row["place"] for row in rows]
    assert places == sorted(places)
    assert places[0] == 1
    for row in rows:
        assert row["tie"] == (places.count(row["place"]) > 1)
        assert row["ind"] == row["ts"] - row["tr"]
        assert row["vm"] == pytest.approx(row["v"] / row["m"], abs=0.0005)
    assert {row["prediction"] for row in rows} == {"Advanced", "Eliminated"}


def test_generation_is_deterministic_per_seed() -> None:
    first, again, other = generate_event(seed=3), generate_event(seed=3), generate_event(seed=4)
    assert first.expected_bundle() == again.expected_bundle()
    assert first.results_json == again.results_json
    assert first.pool_round_id != other.pool_round_id


def test_event_shows_short_wins_and_reused_strips(event: FakeEvent) -> None:
    wins = {
        (max(b.score_a, b.score_b), min(b.score_a, b.score_b))
        for p in event.pools
        for b in p.bouts
        if b.score_a is not None and b.score_b is not None
    }
    assert {(4, 3), (4, 1), (3, 2), (3, 0), (2, 1)} <= wins
    half = (len(event.pools) + 1) // 2
    first, second = event.pools[0], event.pools[half]
    assert first.strip == second.strip
    assert (first.start_time, second.start_time) == ("9:00 AM", "10:45 AM")
    assert {len(pool.referees) for pool in event.pools} == {0, 1, 2}


def test_ids_are_unique_upper_hex(event: FakeEvent) -> None:
    ids = [event.event_id, event.pool_round_id, *event.pool_ids, *event.fencer_ids.values()]
    assert all(re.fullmatch(r"[0-9A-F]{32}", value) for value in ids)
    assert len(set(ids)) == len(ids)


def test_expected_bundle_validates_against_the_contract(event: FakeEvent) -> None:
    bundle = event.expected_bundle()
    assert PoolsBundle.model_validate(bundle).model_dump(mode="json") == bundle
    assert [pool["pool_number"] for pool in bundle["pools"]] == list(range(1, 25))


def test_options_pending_bouts_styles_and_strips() -> None:
    event = generate_event(
        seed=2,
        pool_count=6,
        pool_sizes=(5,),
        affiliation_style="club_division_country",
        strip_style="mixed",
        pending_bouts=3,
    )
    last = event.pools[-1]
    assert [b.status for b in last.bouts].count("pending") == 3
    fencer = event.pools[0].fencers[0]
    assert fencer.affiliation == f"{fencer.club} / {fencer.division} / {fencer.country}"
    assert {(p.strip is None, p.start_time is None) for p in event.pools} >= {
        (False, False),
        (False, True),
        (True, False),
    }
    assert all(len(p.fencers) == 5 for p in event.pools)
    club_only = generate_event(seed=2, pool_count=2, affiliation_style="club").pools[0].fencers[0]
    assert (club_only.affiliation, club_only.country) == (club_only.club, None)


# ---------------------------------------------------------------- serving


def test_serves_pools_page_fragment_and_json(server: FakeFtlServer, event: FakeEvent) -> None:
    page = requests.get(server.url(pools_path(event)), timeout=5)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert re.findall(r'<div id="pool_([0-9A-F]{32})">', page.text) == event.pool_ids
    assert json.dumps(event.pool_ids, separators=(",", ":")) in page.text
    assert page.text.rstrip().endswith("<!-- 2.0.20260324.234858 -->")

    pool = event.pools[4]
    fragment = requests.get(server.url(f"{pools_path(event)}/{pool.pool_id}?dbut=true"), timeout=5)
    assert f'<h4 class="poolNum">Pool #{pool.pool_number}</h4>' in fragment.text
    bare = requests.get(server.url(f"{pools_path(event)}/{pool.pool_id}"), timeout=5)
    assert bare.text == fragment.text

    results = requests.get(server.url(results_path(event)), timeout=5)
    assert results.headers["Content-Type"].startswith("application/json")
    assert results.json() == event.results_json
    assert requests.get(server.url("/pools/scores/nope"), timeout=5).status_code == 404
    assert server.hits("/pools/scores/") == 4


def test_fragment_marks_withdrawals_and_erased_bouts(server: FakeFtlServer, event: FakeEvent) -> None:
    pool = next(p for p in event.pools if any(f.status == "withdrawn" for f in p.fencers))
    text = requests.get(server.url(f"{pools_path(event)}/{pool.pool_id}?dbut=true"), timeout=5).text
    label = next(f.status_label for f in pool.fencers if f.status == "withdrawn")
    assert f'<td colspan="5" class="poolResultWDX">{label}</td>' in text
    assert text.count('<td class="poolScoreWDX"></td>') == 2 * (len(pool.fencers) - 1)


def test_fault_sequence_then_normal(server: FakeFtlServer, event: FakeEvent) -> None:
    server.add_fault(results_path(event), Status(503), Status(503, b"busy"))
    codes = [requests.get(server.url(results_path(event)), timeout=5).status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    assert server.hits(results_path(event)) == 3


def test_other_fault_kinds(server: FakeFtlServer, event: FakeEvent) -> None:
    path = pools_path(event)
    server.add_fault(path, Status(429, headers={"Retry-After": "2"}), Body(b"<html>oops"))
    server.add_fault("/account", Redirect("/elsewhere"), forever=True)
    limited = requests.get(server.url(path), timeout=5)
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "2")
    assert requests.get(server.url(path), timeout=5).text == "<html>oops"
    for _ in range(2):
        moved = requests.get(server.url("/account/login"), timeout=5, allow_redirects=False)
        assert moved.headers["Location"] == "/elsewhere"


def test_delay_outlasts_a_client_timeout(server: FakeFtlServer, event: FakeEvent) -> None:
    server.add_fault(results_path(event), Delay(1.0))
    with pytest.raises(requests.Timeout):
        requests.get(server.url(results_path(event)), timeout=0.2)
    assert requests.get(server.url(results_path(event)), timeout=5).status_code == 200


def test_reset_gives_a_connection_error(server: FakeFtlServer, event: FakeEvent) -> None:
    server.add_fault(results_path(event), Reset())
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url(results_path(event)), timeout=5)
    assert requests.get(server.url(results_path(event)), timeout=5).ok


def test_peak_in_flight_counts_concurrent_requests(server: FakeFtlServer, event: FakeEvent) -> None:
    server.latency = 0.3
    urls = [server.url(f"{pools_path(event)}/{pool_id}?dbut=true") for pool_id in event.pool_ids[:4]]
    with ThreadPoolExecutor(max_workers=4) as executor:
        statuses = list(executor.map(lambda url: requests.get(url, timeout=5).status_code, urls))
    assert statuses == [200] * 4
    assert server.peak_in_flight == 4
    assert server.in_flight == 0
    assert all(r.end is not None and r.end - r.start >= 0.3 for r in server.requests)


# ---------------------------------------------------------------- login


def log_in(server: FakeFtlServer, session: requests.Session, password: str = ACCOUNT[1]) -> requests.Response:
    page = session.get(server.url("/account/login"), timeout=5)
    token = re.search(r'<meta name="csrf_token" content="([^"]+)">', page.text)
    assert token is not None
    assert 'id="loginForm"' in page.text
    return session.post(
        server.url("/login"),
        data={"username": ACCOUNT[0], "password": password},
        headers={"x-csrf-token": token[1]},
        timeout=5,
    )


def test_login_required_redirects_to_login_page(server: FakeFtlServer, event: FakeEvent) -> None:
    server.require_login = True
    path = f"{pools_path(event)}/{event.pool_ids[0]}?dbut=true"
    response = requests.get(server.url(path), timeout=5, allow_redirects=False)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/account/login?r=")
    assert base64.b64decode(unquote(location.split("r=", 1)[1])).decode() == path


def test_login_flow_opens_data_pages(server: FakeFtlServer, event: FakeEvent) -> None:
    server.require_login = True
    with requests.Session() as session:
        response = log_in(server, session)
        assert (response.status_code, response.text) == (200, "/")
        assert session.cookies["connect.sid"] in server.valid_session_ids
        data = session.get(server.url(results_path(event)), timeout=5, allow_redirects=False)
        assert data.json() == event.results_json
        assert server.login_count == 1
        server.expire_sessions()
        refused = session.get(server.url(results_path(event)), timeout=5, allow_redirects=False)
        assert refused.status_code == 302


def test_login_refuses_bad_password_and_missing_csrf(server: FakeFtlServer) -> None:
    server.require_login = True
    with requests.Session() as session:
        wrong = log_in(server, session, password="nope")
        assert (wrong.status_code, wrong.text) == (401, "Invalid email or password")
        no_token = session.post(server.url("/login"), data={"username": ACCOUNT[0]}, timeout=5)
        assert no_token.status_code == 403
    assert server.login_count == 0
    assert not server.valid_session_ids


def test_reset_restores_everything_a_test_changed(server: FakeFtlServer, event: FakeEvent) -> None:
    other = generate_event(seed=99, pool_count=2)
    server.add_event(other)
    server.accounts["someone@example.com"] = "pw"
    del server.accounts[ACCOUNT[0]]
    server.latency, server.require_login = 0.2, True
    server.add_fault(pools_path(event), Status(500), forever=True)
    requests.get(server.url(pools_path(event)), timeout=5)

    server.reset()

    assert (server.latency, server.require_login, server.accounts) == (0.0, False, dict([ACCOUNT]))
    assert (server.requests, server.peak_in_flight, server.login_count) == ([], 0, 0)
    assert requests.get(server.url(pools_path(event)), timeout=5).status_code == 200
    assert requests.get(server.url(pools_path(other)), timeout=5, allow_redirects=False).status_code == 404


def test_server_binds_loopback_and_stops_cleanly(event: FakeEvent) -> None:
    server = FakeFtlServer(event).start()
    assert server.base_url.startswith("http://127.0.0.1:")
    url = server.url(results_path(event))
    assert requests.get(url, timeout=5).ok
    server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=1)
