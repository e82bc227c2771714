"""Render fake-FTL events in FencingTimeLive's own markup: pool fragments, pages, results JSON.

The fragment mirrors the structure and whitespace of FTL's ``?dbut=true`` pool fragment
(see /work/shared/ftl-format.md §4); the pages are plausible FTL chrome around the data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Literal

from ftl_scraper.models import Pool, PoolBout, PoolFencer, Referee

from .event import FakeEvent

if TYPE_CHECKING:
    from .tournament import FakeTournament, FakeTournamentEvent

BUILD_COMMENT = "<!-- 2.0.20260324.234858 -->"
DEFAULT_CSRF_TOKEN = "fAk3Tok3n-Q9x2LmVb7Rw4Ns8Hc1Jd6Kp0Ze"
IdsStyle = Literal["compact", "multiline"]

_RESULT_HEADERS = ("V", "V / M", "TS", "TR", "Ind")
_ROW_INDENT = "\n                "
_SCORE_CELL = (
    '<td class="poolScore poolScore{kind}">\n'
    "                            <span>{kind}{score}</span>\n"
    "                        </td>"
)

BoutIndex = dict[tuple[int, int], PoolBout]


# ---------------------------------------------------------------- the pool fragment


def render_pool_fragment(pool: Pool, event_id: str, pool_round_id: str) -> str:
    """One pool exactly as FTL serves ``/pools/scores/{e}/{r}/{pool}?dbut=true``."""
    return "".join(
        (
            _title_table(pool, event_id, pool_round_id),
            _strip_time_span(pool.strip, pool.start_time),
            _pool_table(pool),
            "\n",
            _referees_div(pool.referees),
            "<br>\n",
        )
    )


def _title_table(pool: Pool, event_id: str, pool_round_id: str) -> str:
    details = f"/pools/details/{event_id}/{pool_round_id}/{pool.pool_id}"
    return (
        "<table>\n"
        "    <tbody><tr>\n"
        f'        <td><h4 class="poolNum">Pool #{pool.pool_number}</h4></td>\n'
        f'        <td><a href="{details}" class="btn btn-primary btn-sm">Details</a></td>\n'
        "    </tr>\n"
        "</tbody></table>\n"
    )


def strip_time_text(strip: str | None, start_time: str | None) -> str | None:
    """The poolStripTime text: 'On strip 5 at 9:00 AM', 'On strip 4', 'At 9:00 AM' or None."""
    if strip and start_time:
        return f"On strip {strip} at {start_time}"
    if strip:
        return f"On strip {strip}"
    if start_time:
        return f"At {start_time}"
    return None


def _strip_time_span(strip: str | None, start_time: str | None) -> str:
    text = strip_time_text(strip, start_time)
    if text is None:
        return ""  # FTL renders the span only when there is a strip or a time
    return f'<span class="poolStripTime">\n    {escape(text)}\n</span>\n'


def _pool_table(pool: Pool) -> str:
    bouts: BoutIndex = {(bout.position_a, bout.position_b): bout for bout in pool.bouts}
    size = len(pool.fencers)
    rows = "".join(f'<tr class="poolRow">{_fencer_row(fencer, bouts, size)}</tr>' for fencer in pool.fencers)
    result_headers = "".join(
        f'            <th class="poolResCol">{header}</th>\n' for header in _RESULT_HEADERS
    )
    return (
        '<table class="table table-condensed table-sm table-bordered poolTable">\n'
        "    \n"
        "    <thead>\n"
        '        <tr class="poolHeader">\n'
        '            <th class="poolNameCol"></th>\n'
        '            <th class="poolPosCol"></th>\n'
        f"            {_position_headers(size)}\n"
        '            <th class="poolSepCol"></th>\n'
        f"{result_headers}"
        "        </tr>\n"
        "    </thead>\n"
        "    <tbody>\n"
        f"        {rows}\n"
        "    </tbody>\n"
        "</table>\n"
    )


def _position_headers(size: int) -> str:
    width = 36 / size
    # JavaScript number formatting: 6 not 6.0, 5.142857142857143 in full
    shown = str(int(width)) if width.is_integer() else repr(width)
    return "".join(f'<th style="width: {shown}%;">{k}</th>' for k in range(1, size + 1))


def _fencer_row(fencer: PoolFencer, bouts: BoutIndex, size: int) -> str:
    cells = "".join(_matrix_cell(fencer.position, column, bouts) for column in range(1, size + 1))
    return (
        f"{_ROW_INDENT}<td>"
        f'\n                    <span class="poolCompName">{escape(fencer.name)}</span>'
        f'\n                    <br><span class="poolAffil">{_affiliation_html(fencer)}</span>'
        f"{_ROW_INDENT}</td>\n"
        f'{_ROW_INDENT}<td class="poolPos">{fencer.position}</td>\n'
        f"{_ROW_INDENT}{cells}\n"
        f'{_ROW_INDENT}<td class="poolSep"></td>\n'
        f"{_ROW_INDENT}{_result_cells(fencer)}"
    )


def _matrix_cell(row: int, column: int, bouts: BoutIndex) -> str:
    if row == column:
        return '<td class="poolScoreFill"></td>'
    bout = bouts[(min(row, column), max(row, column))]
    if bout.status == "annulled":
        return '<td class="poolScoreWDX"></td>'
    if bout.status == "pending" or bout.score_a is None or bout.score_b is None:
        return '<td class="poolScore"></td>'
    row_is_a = bout.position_a == row
    score = bout.score_a if row_is_a else bout.score_b
    won = bout.winner == ("A" if row_is_a else "B")
    return _SCORE_CELL.format(kind="V" if won else "D", score=score)


def _result_cells(fencer: PoolFencer) -> str:
    if fencer.status != "active":
        return f'<td colspan="5" class="poolResultWDX">{escape(fencer.status_label or "")}</td>'
    values = (
        str(fencer.victories),
        f"{fencer.victory_ratio or 0:.2f}",
        str(fencer.touches_scored),
        str(fencer.touches_received),
        signed(fencer.indicator or 0),
    )
    return "".join(f'<td class="poolResult">{value}</td>' for value in values)


def signed(value: int) -> str:
    """FTL's indicator: '+5', '-13', and '0' without a sign."""
    return f"+{value}" if value > 0 else str(value)


def _affiliation_html(fencer: PoolFencer) -> str:
    parts = [escape(part) for part in (fencer.club, fencer.division) if part]
    if fencer.country:
        parts.append(_flag(fencer.country))
    return " / ".join(parts)


def _flag(country: str) -> str:
    return f'<span class="flag flag{country}"></span> {country}'


def _referee_affiliation_html(referee: Referee) -> str:
    parts = [escape(part) for part in (referee.affiliation or "").split(" / ") if part]
    if referee.country and parts and parts[-1] == referee.country:
        parts[-1] = _flag(referee.country)
    return " / ".join(parts)


def _referees_div(referees: Sequence[Referee]) -> str:
    if not referees:
        return ""  # not every pool has the block
    lines = "".join(
        f'        <span class="poolRefName">{escape(referee.name)}</span><br>'
        f'<span class="poolAffil">{_referee_affiliation_html(referee)}</span><br>\n'
        for referee in referees
    )
    return (
        '<div class="poolRefsDiv">\n'
        '        <span class="poolRefsHeader">Referee(s)</span>\n'
        "        <br>\n"
        f"{lines}"
        "    </div>\n"
        "\n"
    )


# ---------------------------------------------------------------- pages and JSON


def login_return_path(path: str) -> str:
    """FTL's ``/account/login?r=`` link: the path base64-encoded, '=' written as %3D."""
    encoded = base64.b64encode(path.encode()).decode().replace("=", "%3D")
    return f"/account/login?r={encoded}"


def tableau_round_id(pool_round_id: str) -> str:
    """A stable invented DE round ID for the Tableau tab of the page chrome."""
    return hashlib.md5(pool_round_id.encode(), usedforsecurity=False).hexdigest().upper()


def render_pools_page(
    event_id: str,
    pool_round_id: str,
    pool_ids: Sequence[str],
    *,
    ids_style: IdsStyle = "compact",
    csrf_token: str = DEFAULT_CSRF_TOKEN,
    tournament_name: str = "Invented Spring Open 2026",
    event_name: str = "Senior Women's Foil",
    event_time: str = "Saturday, April 18, 2026 9:00 AM",
) -> str:
    """The ``/pools/scores/{e}/{r}`` page: chrome, one placeholder per pool, ``var ids``."""
    pools_path = f"/pools/scores/{event_id}/{pool_round_id}"
    placeholders = "".join(f'            <div id="pool_{pool_id}"></div>\n' for pool_id in pool_ids)
    header = _event_header(tournament_name, event_name, event_time)
    body = (
        f"{header}"
        f"{_event_tabs(event_id, pool_round_id)}"
        '        <div id="poolsContainer" class="mt-3">\n'
        f"{placeholders}"
        "        </div>\n"
        "    </div>\n"
        '    <script src="/js/jquery.min.js"></script>\n'
        "    <script>\n"
        f"        var ids = {_ids_literal(pool_ids, ids_style)};\n"
        "        $(function () {\n"
        "            ids.forEach(function (id) {\n"
        f'                $("#pool_" + id).load("{pools_path}/" + id + "?dbut=true");\n'
        "            });\n"
        "        });\n"
        "    </script>\n"
    )
    return _page(f"{escape(event_name)} - Pools", csrf_token, pools_path, body)


def _ids_literal(pool_ids: Sequence[str], ids_style: IdsStyle) -> str:
    if ids_style == "compact":
        return json.dumps(list(pool_ids), separators=(",", ":"))
    if not pool_ids:
        return "[\n        ]"
    lines = ",\n".join(f'            "{pool_id}"' for pool_id in pool_ids)
    return f"[\n{lines}\n        ]"


def _event_header(tournament_name: str, event_name: str, event_time: str) -> str:
    return "".join(
        f'        <div class="desktop {css}">\n            {escape(text)}\n        </div>\n'
        for css, text in (
            ("tournName", tournament_name),
            ("eventName", event_name),
            ("eventTime", event_time),
        )
    )


def _event_tabs(event_id: str, pool_round_id: str) -> str:
    tabs = (
        (f"/events/competitors/{event_id}", "fa-users", "Competitors", ""),
        (f"/pools/scores/{event_id}/{pool_round_id}", "fa-th", "Pools", " active"),
        (f"/pools/results/{event_id}/{pool_round_id}", "fa-list-ol", "Pool Results", ""),
        (f"/tableaus/scores/{event_id}/{tableau_round_id(pool_round_id)}", "fa-sitemap", "Tableau", ""),
        (f"/events/results/{event_id}", "fa-trophy", "Final Results", ""),
    )
    items = "".join(
        f'            <li class="nav-item"><a class="nav-link waves-light{active}" href="{href}">'
        f'<i class="fas {icon}"></i><br>{label}</a></li>\n'
        for href, icon, label, active in tabs
    )
    return f'        <ul class="nav nav-tabs nav-justified">\n{items}        </ul>\n'


def _page(title: str, csrf_token: str, path: str, body: str) -> str:
    """FTL's page chrome around ``body``: head with the csrf meta tag, navbar, build stamp."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '    <meta charset="utf-8">\n'
        '    <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'    <meta name="csrf_token" content="{escape(csrf_token)}">\n'
        f"    <title>{title}</title>\n"
        '    <link rel="stylesheet" href="/css/bootstrap.min.css">\n'
        '    <link rel="stylesheet" href="/css/ftl.min.css">\n'
        "</head>\n"
        "<body>\n"
        '    <nav class="navbar navbar-expand-lg navbar-dark bg-primary">\n'
        '        <a class="navbar-brand" href="/">Fencing Time Live</a>\n'
        '        <ul class="navbar-nav ml-auto">\n'
        '            <li class="nav-item"><a class="btn btn-outline-light"'
        f' href="{login_return_path(path)}">Log in</a></li>\n'
        "        </ul>\n"
        "    </nav>\n"
        '    <div class="container-fluid">\n'
        f"{body}"
        "</body>\n"
        "</html>\n"
        f"{BUILD_COMMENT}\n"
    )


def render_results_json(event: FakeEvent) -> bytes:
    """``/pools/results/data/{e}/{r}`` as FTL's Express backend sends it (compact JSON)."""
    return json.dumps(event.results_json, ensure_ascii=False, separators=(",", ":")).encode()


def render_login_page(csrf_token: str) -> str:
    """``/account/login``: the csrf meta tag and ``#loginForm`` with email and password."""
    body = (
        '        <div class="row justify-content-center mt-5">\n'
        '            <div class="col-md-6">\n'
        "                <h3>Log in</h3>\n"
        '                <form id="loginForm">\n'
        '                    <div class="form-group">\n'
        '                        <label for="loginEmail">Email</label>\n'
        '                        <input type="email" class="form-control" id="loginEmail"'
        ' name="username" required>\n'
        "                    </div>\n"
        '                    <div class="form-group">\n'
        '                        <label for="loginPassword">Password</label>\n'
        '                        <input type="password" class="form-control" id="loginPassword"'
        ' name="password" required>\n'
        "                    </div>\n"
        '                    <div id="loginError" class="text-danger"></div>\n'
        '                    <button type="submit" class="btn btn-primary">Log in</button>\n'
        '                    <a href="/account/signup">Create a free account</a>\n'
        "                </form>\n"
        "            </div>\n"
        "        </div>\n"
        "    </div>\n"
        '    <script src="/js/login.5f2c9a.js"></script>\n'
    )
    return _page("Log in", csrf_token, "/", body)


def render_home_page(csrf_token: str = DEFAULT_CSRF_TOKEN) -> str:
    """``/``: the page a client lands on after logging in."""
    body = '        <h3 class="mt-3">Tournaments</h3>\n    </div>\n'
    return _page("Fencing Time Live", csrf_token, "/", body)


# ---------------------------------------------------------------- tournaments and event pages


def _padded_name(name: str) -> str:
    """FTL pads names with newlines and runs of spaces ("Cadet   Men's Foil")."""
    padding = " " * 40
    return f"\n{padding}{escape(name).replace(' ', '   ', 1)}\n{padding[4:]}"


def render_schedule_page(tournament: FakeTournament) -> str:
    """``/tournaments/eventSchedule/{t}``: one ``h5`` day heading and table per day (ftl-site.md §3)."""
    days: dict[str, list[FakeTournamentEvent]] = {}
    for event in tournament.events:
        days.setdefault(event.day, []).append(event)
    tables = "".join(
        f"<h5>{escape(day)}</h5>"
        '<table class="scheduleTable table table-sm table-hover hoverHand w-100">\n'
        '                <thead class="ftblue yellow-text">\n'
        "                    <tr><th>Start</th><th>Event</th><th>Status</th></tr>\n"
        "                </thead>\n"
        "                <tbody>\n"
        f"{''.join(_schedule_row(event) for event in events)}"
        "                </tbody>\n"
        "            </table>\n"
        for day, events in days.items()
    )
    tabs = _tab_bar(
        [
            ("/", "Tournaments", False),
            (f"/tournaments/eventSchedule/{tournament.tournament_id}", "Schedule", True),
            (f"/tournaments/myFencers/{tournament.tournament_id}", "My Fencers", False),
            (f"/tournaments/medals/{tournament.tournament_id}", "Medals", False),
        ]
    )
    header = _page_title(
        (
            ("mobile tournName", tournament.name),
            ("desktop tournName", tournament.name),
            ("desktop eventName", tournament.date_range),
            ("desktop eventTime", ""),
        )
    )
    content = f"<h3>Event Schedule</h3>{tables}"
    body = f'{header}{tabs}        <div id="mainContent">\n{content}        </div>\n    </div>\n'
    return _page(
        escape(tournament.name),
        DEFAULT_CSRF_TOKEN,
        f"/tournaments/eventSchedule/{tournament.tournament_id}",
        body,
    )


def _schedule_row(event: FakeTournamentEvent) -> str:
    view = f"/events/view/{event.event_id}"
    if event.state == "finished":
        status = (
            '<i class="fas fa-check green-text mr-1"></i>Finished at 5:45 PM\n'
            f'<span class="ml-3">({event.competitors} competitors)</span>\n\n'
        )
    elif event.state == "pools":
        status = f'<img class="fticon mr-1" src="/img/pool.png">{escape(event.status or "")}\n'
    else:
        status = "\n"
    return (
        f'                    <tr id="ev_{event.event_id}" class="clickable-row" data-href="{view}">\n'
        f"                            <td>{event.start_time}</td>\n"
        "                            <td>\n"
        f'                                <a href="{view}">\n'
        f"                                    <strong>{_padded_name(event.event_name)}</strong>\n"
        "                                </a>\n"
        "                            </td>\n"
        f"                            <td>\n{' ' * 32}{status}                            </td>\n"
        "                        </tr>"
    )


def render_event_page(tournament: FakeTournament, event: FakeTournamentEvent, active: str) -> str:
    """An event page (``results``, ``competitors`` or ``format``): header, tab bar, content."""
    path = f"/events/{active}/{event.event_id}"
    header = _page_title(
        (
            ("mobile eventName", event.event_name),
            ("desktop tournName", tournament.name),
            ("desktop eventName", event.event_name),
            ("desktop eventTime", event.event_time),
        )
    )
    tabs: list[tuple[str, str, bool]] = [
        (f"/tournaments/eventSchedule/{tournament.tournament_id}", "Schedule", False),
        (f"/tournaments/myFencers/{tournament.tournament_id}", "My Fencers", False),
        (f"/events/competitors/{event.event_id}", "Fencers", active == "competitors"),
        (f"/events/format/{event.event_id}", "Format", active == "format"),
    ]
    # a later round's tab label was never captured: any label will do, links are what count
    tabs += [
        (f"/pools/scores/{event.event_id}/{round_.pool_round_id}", "Pools" if n == 1 else f"Pools {n}", False)
        for n, round_ in enumerate(event.rounds, 1)
    ]
    tabs += [
        (f"/tableaus/scores/{event.event_id}/{tableau_id}", "Tableau", False)
        for tableau_id in event.tableau_ids
    ]
    tabs.append(
        (path.replace(active, "results") if active != "results" else path, "Results", active == "results")
    )
    if active == "results" and event.final_results_json is not None:
        content = (
            "<h3>Final Results</h3>"
            '<table id="resultList" class="table table-condensed table-sm table-bordered" data-toggle="table"'
            f' data-url="/events/results/data/{event.event_id}" data-unique-id="id">\n'
            '            <thead class="ftblue yellow-text"><tr class="w-100">'
            '<th data-field="place">Place</th><th data-field="name">Name</th>'
            '<th data-field="country" data-formatter="ftl.formatCountry">Country</th></tr></thead>\n'
            "        </table>\n"
        )
    else:
        content = f"<h3>{active.title()}</h3>\n"
    body = f'{header}{_tab_bar(tabs)}        <div id="mainContent">\n{content}        </div>\n    </div>\n'
    return _page(f"{escape(event.event_name)} - {escape(tournament.name)}", DEFAULT_CSRF_TOKEN, path, body)


def render_final_results_json(event: FakeTournamentEvent) -> bytes:
    """``/events/results/data/{e}``: the rows once published, an empty array before."""
    return json.dumps(event.final_results_json or [], ensure_ascii=False, separators=(",", ":")).encode()


def _page_title(divs: Sequence[tuple[str, str]]) -> str:
    inner = "".join(
        f'<div class="{css}">\n                            {escape(text)}\n                        </div>'
        for css, text in divs
    )
    return f'        <div class="pageTitle mr-auto">\n                    {inner}</div>\n'


def _tab_bar(tabs: Sequence[tuple[str, str, bool]]) -> str:
    items = "".join(
        f'            <li class="nav-item {"activeTab" if active else ""}">\n'
        f'                <a class="nav-link waves-light" href="{href}">'
        f'<i class="fas fa-circle fa-2x"></i><br>{label}</a>\n'
        "            </li>"
        for href, label, active in tabs
    )
    return (
        '        <div class="classic-tabs tabs-wrapper">\n            <ul class="nav tabs-grey">\n'
        f"{items}\n            </ul>\n        </div>\n"
    )
