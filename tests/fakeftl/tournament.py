"""Invented FTL tournaments: a schedule of events with 0, 1 or more pool rounds, a DE tableau and
final results, with the exact bundles a correct crawl exports (the stand-in's ground truth).

Every round is a ``FakeEvent`` from ``generate_event``, every tableau a ``FakeTableau`` from
``generate_tableau``; final results are ranked from the last round here, independently of the
parsers. Everything derives from the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ftl_scraper.models import EventBundle, FinalResult, TournamentEvent

from .event import FakeEvent, generate_event
from .render import tableau_round_id
from .tableau import FakeTableau, generate_tableau

EventState = Literal["finished", "pools", "not_started"]

# the schedule's status cell per state, as FTL writes it (ftl-site.md §3); a plain-text cell is
# what an unknown wording looks like, and a not-started event shows none
_STATUS_TEXT: dict[EventState, str | None] = {
    "finished": "Finished at {end}",
    "pools": "Fencing pool round {round}",
    "not_started": None,
}
_DAYS = ("Saturday October 3, 2026", "Sunday October 4, 2026", "Monday October 5, 2026")
_START_TIMES = ("8:30 AM", "9:00 AM", "1:00 PM", "2:30 PM")
_EVENT_NAMES = (
    "Senior Women's Foil",
    "Senior Men's Épée",
    "Junior Team Women's Sabre",
    "Veteran 50 Men's Foil",
    "Y-14 Mixed Épée",
    "Cadet Women's Sabre",
    "FLORET WETERANI kobiety 0",
    "Senior Men's Sabre",
)


@dataclass(frozen=True)
class EventPlan:
    """What one event of a generated tournament should be: its rounds and how far it got.

    ``rounds`` is a count of rounds to invent or ready-made rounds (e.g. the demo event's); a
    finished event has one DE tableau, invented unless ``tableau`` is given.
    """

    rounds: int | Sequence[FakeEvent]
    tableau: FakeTableau | None = None
    state: EventState = "finished"
    name: str | None = None
    pool_count: int = 3
    #: the schedule's day heading and start time; by default two events a day in October 2026
    day: str | None = None
    start_time: str | None = None


@dataclass
class FakeTournamentEvent:
    """One scheduled event: its rounds, tableaus and final results, and its schedule line."""

    event_id: str
    event_name: str
    day: str
    start_time: str
    state: EventState
    rounds: list[FakeEvent]
    tableaus: list[FakeTableau]
    final_results_json: list[dict[str, Any]] | None
    final_results: list[FinalResult] | None
    competitors: int

    @property
    def tableau_ids(self) -> list[str]:
        return [tableau.tableau_id for tableau in self.tableaus]

    @property
    def event_time(self) -> str:
        """The event header's date and time: 'Saturday, October 3, 2026 8:30 AM'."""
        weekday, rest = self.day.split(" ", 1)
        return f"{weekday}, {rest} {self.start_time}"

    @property
    def status(self) -> str | None:
        """The schedule's status text, whitespace-normalised (None when the cell is empty)."""
        template = _STATUS_TEXT[self.state]
        if template is None:
            return None
        text = template.format(end="5:45 PM", round=len(self.rounds))
        return f"{text} ({self.competitors} competitors)" if self.state == "finished" else text

    def expected_bundle(self, tournament: FakeTournament) -> dict[str, Any]:
        """The EventBundle a correct ``event`` crawl exports."""
        return EventBundle(**self._bundle_fields(tournament)).model_dump(mode="json")

    def expected_tournament_item(self, tournament: FakeTournament) -> dict[str, Any]:
        """The item a correct ``tournament`` crawl exports for this event."""
        fields = self._bundle_fields(tournament) | {"schedule_day": self.day, "schedule_status": self.status}
        return TournamentEvent(**fields).model_dump(mode="json")

    def _bundle_fields(self, tournament: FakeTournament) -> dict[str, Any]:
        pool_rounds = [
            round_.expected_bundle() | {"round_number": number}
            for number, round_ in enumerate(self.rounds, 1)
        ]
        return {
            "event_id": self.event_id,
            "tournament_id": tournament.tournament_id,
            "tournament_name": tournament.name,
            "event_name": self.event_name,
            "event_time": self.event_time,
            "pool_rounds": pool_rounds,
            "tableau_ids": self.tableau_ids,
            "tableaus": [tableau.expected_bundle() for tableau in self.tableaus],
            "final_results": self.final_results,
            "complete": True,
            "errors": [],
        }


@dataclass
class FakeTournament:
    tournament_id: str
    name: str
    date_range: str
    events: list[FakeTournamentEvent] = field(default_factory=list)

    def event(self, event_id: str) -> FakeTournamentEvent:
        return next(event for event in self.events if event.event_id == event_id.upper())

    @property
    def page_count(self) -> int:
        """Every page a crawl of the whole tournament needs: the schedule, then per event its results
        page, its results JSON, each round's pools page, fragments and results JSON, and each
        tableau's trees JSON and trees."""
        return 1 + sum(
            2 + sum(len(r.pools) + 2 for r in event.rounds) + sum(1 + len(d.trees) for d in event.tableaus)
            for event in self.events
        )


def generate_tournament(
    plans: Sequence[EventPlan],
    *,
    seed: int = 1,
    name: str = "Invented Autumn Cup 2026",
    tournament_id: str | None = None,
    date_range: str = "October 3 - 5, 2026",
) -> FakeTournament:
    """Invent a tournament whose events follow ``plans``, two events a day in plan order."""
    rng = random.Random(seed)
    tournament = FakeTournament(
        tournament_id=(tournament_id or _new_id(rng)).upper(),
        name=name,
        date_range=date_range,
    )
    for index, plan in enumerate(plans):
        day = plan.day or _DAYS[min(index // 2, len(_DAYS) - 1)]
        start_time = plan.start_time or _START_TIMES[index % len(_START_TIMES)]
        event_name = plan.name or _EVENT_NAMES[index % len(_EVENT_NAMES)]
        if isinstance(plan.rounds, int):
            event_id = _new_id(rng)
            rounds = [
                generate_event(
                    seed=seed * 1000 + index * 10 + number,
                    pool_count=plan.pool_count,
                    pool_sizes=(6, 5),
                    event_id=event_id,
                )
                for number in range(plan.rounds)
            ]
        else:
            rounds = list(plan.rounds)
            event_id = rounds[0].event_id
        event = FakeTournamentEvent(
            event_id=event_id,
            event_name=event_name,
            day=day,
            start_time=start_time,
            state=plan.state if rounds else "not_started",
            rounds=rounds,
            tableaus=[],
            final_results_json=None,
            final_results=None,
            competitors=sum(len(pool.fencers) for pool in rounds[0].pools) if rounds else 0,
        )
        for round_ in rounds:  # the pools pages show the same header as the event's other pages
            round_.tournament_name = name
            round_.event_name = event_name
            round_.event_time = event.event_time
        if event.state == "finished":
            # the DE round the pools pages' Tableau tab links to
            event.tableaus = [
                plan.tableau
                or _generate_event_tableau(
                    seed * 1000 + index * 10 + 9,
                    event.competitors,
                    event_id,
                    tableau_round_id(rounds[-1].pool_round_id),
                )
            ]
            event.final_results_json = _final_results_json(rounds[-1])
            event.final_results = _expected_final_results(event.final_results_json)
        tournament.events.append(event)
    return tournament


def _generate_event_tableau(seed: int, competitors: int, event_id: str, tableau_id: str) -> FakeTableau:
    """A finished DE round of every competitor, in the smallest table that holds them."""
    size = max(2, 1 << (competitors - 1).bit_length())
    return generate_tableau(
        seed=seed,
        size=size,
        entrants=max(competitors, size // 2 + 1),
        event_id=event_id,
        tableau_id=tableau_id,
    )


def _new_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032X}"


def _final_results_json(last_round: FakeEvent) -> list[dict[str, Any]]:
    """FTL's /events/results/data rows: the last round's ranking, two bronze medals ("3T")."""
    rows = []
    for index, result in enumerate(last_round.results.fencers):
        place = index + 1 if index != 3 else 3
        label = f"{place}T" if index in (2, 3) else str(place)
        clubs = [club for club in (result.club_primary, result.club_secondary) if club]
        row: dict[str, Any] = {"id": result.fencer_id, "place": label, "excluded": False, "name": result.name}
        if clubs:
            row |= {"clubs": " / ".join(clubs), "club1": clubs[0]}
        if result.club_secondary:
            row["club2"] = result.club_secondary
        if result.division:
            row["div"] = result.division
        row["country"] = result.country
        row["search"] = "|".join(part.lower() for part in (result.name, *clubs, result.country) if part)
        rows.append(row)
    return rows


def _expected_final_results(rows: list[dict[str, Any]]) -> list[FinalResult]:
    return [
        FinalResult(
            fencer_id=row["id"],
            name=row["name"],
            place=int(row["place"].rstrip("T")),
            place_label=row["place"],
            tie=row["place"].endswith("T"),
            excluded=False,
            country=row["country"],
            club_primary=row.get("club1"),
            club_secondary=row.get("club2"),
            division=row.get("div"),
        )
        for row in rows
    ]
