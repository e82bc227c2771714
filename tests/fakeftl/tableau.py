"""Invented DE tableaus with their exact expected parse (the ground truth of the fake FTL's brackets).

The generator decides every slot and bout itself (who is seeded where, byes, who wins, scores,
withdrawals, announced times) and states the expected ``TableauTree`` from those decisions; the
renderer (``render_tableau``) turns the same decisions into FTL's markup. Everything derives
from ``random.Random(seed)``; names, clubs and IDs are invented.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any, Literal

from ftl_scraper.models import (
    TableauBout,
    TableauBundle,
    TableauFencer,
    TableauReferee,
    TableauRound,
    TableauTree,
)

from .event import _CLUB_CODES, _NAMES, _US_DIVISIONS, _IdFactory

AffiliationStyle = Literal["club_country", "country", "club_division_country"]
WITHDRAWAL_LABEL = "Opponent withdrew (medical)"
BRONZE_MEDAL = "Bronze Medal"
_STRIPS = ("Blue", "Yellow", "Red", "Green", "Podium")
_TEAM_NAMES = {
    "FRA": "FRANCE",
    "ITA": "ITALY",
    "USA": "UNITED STATES",
    "HUN": "HUNGARY",
    "KOR": "KOREA",
    "JPN": "JAPAN",
    "GER": "GERMANY",
    "POL": "POLAND",
    "EGY": "EGYPT",
    "CHN": "CHINA",
    "HKG": "HONG KONG, CHINA",
    "BRA": "BRAZIL",
}


class _Bye:
    """A '- BYE -' slot."""


BYE = _Bye()
Side = TableauFencer | _Bye | None


@dataclass(frozen=True)
class Shown:
    """What a fencer slot shows on screen: the name split as FTL splits it."""

    surname: str
    given: str | None


@dataclass
class PlannedBout:
    """One bout as the generator decided it."""

    side_a: Side
    side_b: Side
    winner: Literal["A", "B"] | None = None
    touches: tuple[int, int] | None = None  # winner's first, as FTL prints it
    label: str | None = None
    time: str | None = None
    strip: str | None = None
    #: the time/strip are announced in the future winner slot (span.ttistr), not fenced yet
    announced: bool = False
    #: the time/strip line is also printed under the score cell
    time_line: bool = False
    referees: list[TableauReferee] = field(default_factory=list)
    match_id: str | None = None

    @property
    def winner_side(self) -> Side:
        if self.winner is None:
            return None
        return self.side_a if self.winner == "A" else self.side_b

    def expected(self, number: int) -> TableauBout:
        fencer_a = self.side_a if isinstance(self.side_a, TableauFencer) else None
        fencer_b = self.side_b if isinstance(self.side_b, TableauFencer) else None
        score_a = score_b = None
        if self.touches is not None:
            won, lost = self.touches
            score_a, score_b = (won, lost) if self.winner == "A" else (lost, won)
        if self.side_a is BYE or self.side_b is BYE:
            status = "bye"
        elif self.winner is not None:
            status = "complete" if self.touches is not None else "walkover"
        elif fencer_a is not None and fencer_b is not None and (self.time or self.strip):
            status = "scheduled"
        else:
            status = "pending"
        return TableauBout(
            number=number,
            fencer_a=fencer_a,
            fencer_b=fencer_b,
            winner=self.winner,
            score_a=score_a,
            score_b=score_b,
            status=status,
            result_label=self.label,
            time=self.time,
            strip=self.strip,
            referees=self.referees,
            match_id=self.match_id,
        )


@dataclass
class FakeTree:
    tree_id: str
    name: str
    tree_number: int
    labels: list[str]  # one per bout column
    first_column: list[Side]  # slot by slot, with the seeds shown there
    bouts: list[list[PlannedBout]]  # bouts[c][j]: column c's bout j
    names: dict[str, Shown]  # how each fencer's name is split into tcln / tcfn

    @property
    def table_count(self) -> int:
        return len(self.bouts)

    @property
    def champion(self) -> Side:
        return self.bouts[-1][0].winner_side

    def listing(self) -> dict[str, Any]:
        return {
            "guid": self.tree_id,
            "name": self.name,
            "numTables": self.table_count,
            "treeNum": self.tree_number,
            "firstIncompleteTable": next(
                (c for c, bouts in enumerate(self.bouts) if any(b.winner is None for b in bouts)),
                self.table_count,
            ),
        }

    def expected(self) -> TableauTree:
        champion = self.champion
        return TableauTree(
            tree_id=self.tree_id,
            name=self.name,
            tree_number=self.tree_number,
            rounds=[
                TableauRound(
                    label=label,
                    size=2 * len(bouts),
                    bouts=[bout.expected(index + 1) for index, bout in enumerate(bouts)],
                )
                for label, bouts in zip(self.labels, self.bouts, strict=True)
            ],
            winner=champion if isinstance(champion, TableauFencer) else None,
        )


@dataclass
class FakeTableau:
    """One generated DE round: its trees in the order FTL lists them (not treeNum order)."""

    event_id: str
    tableau_id: str
    trees: list[FakeTree]

    def tree(self, tree_id: str) -> FakeTree:
        return next(tree for tree in self.trees if tree.tree_id == tree_id.upper())

    def trees_json(self) -> bytes:
        return json.dumps([tree.listing() for tree in self.trees]).encode()

    def expected_bundle(self) -> dict[str, Any]:
        """The complete bundle a correct crawl of this tableau exports."""
        bundle = TableauBundle(
            event_id=self.event_id,
            tableau_id=self.tableau_id,
            trees=[tree.expected() for tree in sorted(self.trees, key=lambda tree: tree.tree_number)],
            complete=True,
            errors=[],
        )
        return bundle.model_dump(mode="json")


def ftl_bracket_order(size: int) -> list[int]:
    """Seeds top to bottom in a table of ``size``, as FTL draws them: 1, 8, 5, 4, 3, 6, 7, 2."""
    order = [1]
    while len(order) < size:
        doubled = 2 * len(order) + 1
        order = [
            seed
            for index, position in enumerate(order)
            for seed in ((position, doubled - position) if index % 2 == 0 else (doubled - position, position))
        ]
    return order


def round_label(size: int, *, quarterfinals: bool) -> str:
    if size == 2:
        return "Finals"
    if size == 4:
        return "Semi-Finals"
    if size == 8 and quarterfinals:
        return "Quarterfinals"
    return f"Table of {size}"


def generate_tableau(
    *,
    seed: int = 1,
    size: int = 64,
    entrants: int | None = None,
    team: bool = False,
    decided_columns: int | None = None,
    event_id: str | None = None,
    tableau_id: str | None = None,
    quarterfinals: bool = False,
    affiliation_style: AffiliationStyle = "club_country",
    referees: bool = True,
    time_lines: bool = True,
) -> FakeTableau:
    """A DE round of ``size`` slots with ``entrants`` fencers (the rest are byes).

    Columns before ``decided_columns`` are fenced (None: the whole tree); the column after
    that is part fenced, part scheduled; later ones are scheduled or pending. A team event
    (``team=True``) gets a "Bronze Medal" tree, listed before the main one.
    """
    rng = random.Random(seed)
    ids = _IdFactory(rng)
    event_id = ids.reserve(event_id) if event_id else ids.new()
    tableau_id = ids.reserve(tableau_id) if tableau_id else ids.new()
    table_count = size.bit_length() - 1
    if size < 2 or 1 << table_count != size:
        raise ValueError(f"a tableau has a power-of-two size, got {size}")
    entrants = entrants if entrants is not None else size - size // 8
    if not size // 2 < entrants <= size:
        raise ValueError(f"{entrants} entrants do not fill a table of {size} with single byes")
    people = _People(rng, affiliation_style, team=team)
    field_ = [people.new(seed_number) for seed_number in range(1, entrants + 1)]
    decided = table_count if decided_columns is None else decided_columns
    planner = _Planner(rng, people, team=team, ids=ids, referees=referees, time_lines=time_lines)
    first_column: list[Side] = [
        field_[position - 1] if position <= entrants else BYE for position in ftl_bracket_order(size)
    ]
    main = FakeTree(
        tree_id=ids.new(),
        name="Main Tableau" if not team else "Team Tableau",
        tree_number=0,
        labels=[round_label(size >> column, quarterfinals=quarterfinals) for column in range(table_count)],
        first_column=first_column,
        bouts=planner.plan(first_column, decided, withdrawal=not team),
        names=people.names,
    )
    trees = [main]
    if team:
        trees.insert(0, _bronze_tree(main, planner, ids.new(), fenced=decided >= table_count))
    return FakeTableau(event_id=event_id, tableau_id=tableau_id, trees=trees)


def _bronze_tree(main: FakeTree, planner: _Planner, tree_id: str, *, fenced: bool) -> FakeTree:
    # the semi-final losers, renumbered (1) and (2) in this tree's first column
    first_column: list[Side] = []
    for number, semi in enumerate(main.bouts[-2], start=1):
        loser = semi.side_b if semi.winner == "A" else semi.side_a if semi.winner == "B" else None
        first_column.append(
            loser.model_copy(update={"seed": number}) if isinstance(loser, TableauFencer) else None
        )
    return FakeTree(
        tree_id=tree_id,
        name=BRONZE_MEDAL,
        tree_number=1,
        labels=[BRONZE_MEDAL],
        first_column=first_column,
        bouts=planner.plan(first_column, 1 if fenced else -1, withdrawal=False),
        names=main.names,
    )


class _People:
    """Invented fencers (or teams) with unique names, seeded in order."""

    def __init__(self, rng: random.Random, style: AffiliationStyle, *, team: bool) -> None:
        self.rng = rng
        self.style = style
        self.team = team
        self.names: dict[str, Shown] = {}

    def new(self, seed_number: int) -> TableauFencer:
        if self.team:
            country = sorted(_TEAM_NAMES)[(seed_number - 1) % len(_TEAM_NAMES)]
            name = _TEAM_NAMES[country] + ("" if seed_number <= len(_TEAM_NAMES) else f" {seed_number}")
            self.names[name] = Shown(name, None)
            return TableauFencer(
                name=name, seed=seed_number, affiliation=country, club=None, division=None, country=country
            )
        country = self.rng.choice(sorted(_NAMES))
        shown = self.person_name(country)
        club = division = None
        if self.style != "country":
            club = self.rng.choice(_CLUB_CODES)
        if self.style == "club_division_country":
            division = self.rng.choice(_US_DIVISIONS)
        affiliation = " / ".join(part for part in (club, division, country) if part)
        name = f"{shown.surname} {shown.given}"
        self.names[name] = shown
        return TableauFencer(
            name=name,
            seed=seed_number,
            affiliation=affiliation,
            club=club,
            division=division,
            country=country,
        )

    def person_name(self, country: str) -> Shown:
        surnames, given_names = _NAMES[country]
        for _ in range(1000):
            shown = Shown(self.rng.choice(surnames), self.rng.choice(given_names))
            if f"{shown.surname} {shown.given}" not in self.names:
                return shown
        raise RuntimeError("ran out of invented names")

    def referee(self, role: str) -> TableauReferee:
        country = self.rng.choice(sorted(_NAMES))
        surnames, given_names = _NAMES[country]
        name = f"{self.rng.choice(surnames)} {self.rng.choice(given_names)}"
        return TableauReferee(role=role, name=name, country=country)


class _Planner:
    """Decides every bout of a tree, column by column, from its first column."""

    def __init__(
        self,
        rng: random.Random,
        people: _People,
        *,
        team: bool,
        ids: _IdFactory,
        referees: bool,
        time_lines: bool,
    ) -> None:
        self.rng = rng
        self.people = people
        self.team = team
        self.ids = ids
        self.referees = referees
        self.time_lines = time_lines

    def plan(self, first_column: list[Side], decided: int, *, withdrawal: bool) -> list[list[PlannedBout]]:
        columns: list[list[PlannedBout]] = []
        sides = first_column
        table_count = len(first_column).bit_length() - 1
        for column in range(table_count):
            bouts = [
                self.bout(column, table_count, sides[2 * j], sides[2 * j + 1], decided)
                for j in range(len(sides) // 2)
            ]
            columns.append(bouts)
            sides = [bout.winner_side for bout in bouts]
        if withdrawal:
            fenced = [bout for bout in columns[0] if bout.touches is not None]
            if fenced:
                bout = self.rng.choice(fenced)
                bout.touches, bout.label = None, WITHDRAWAL_LABEL
        return columns

    def bout(self, column: int, table_count: int, side_a: Side, side_b: Side, decided: int) -> PlannedBout:
        bout = PlannedBout(side_a, side_b)
        if side_a is BYE or side_b is BYE:
            other = side_b if side_a is BYE else side_a
            if isinstance(other, TableauFencer):
                bout.winner = "B" if side_a is BYE else "A"
            return bout
        both_known = isinstance(side_a, TableauFencer) and isinstance(side_b, TableauFencer)
        draw = self.rng.random()
        if both_known and (column < decided or (column == decided and draw < 0.5)):
            self.fence(bout, column, table_count)
        elif both_known and draw < 0.8:
            self.announce(bout, column)
        elif (isinstance(side_a, TableauFencer) or isinstance(side_b, TableauFencer)) and draw < 0.4:
            self.announce(bout, column)  # one fencer still to come: pending, time and strip known
        return bout

    def fence(self, bout: PlannedBout, column: int, table_count: int) -> None:
        assert isinstance(bout.side_a, TableauFencer)
        assert isinstance(bout.side_b, TableauFencer)
        seed_a, seed_b = bout.side_a.seed or 0, bout.side_b.seed or 0
        favourite: Literal["A", "B"] = "A" if seed_a < seed_b else "B"
        bout.winner = favourite if self.rng.random() < 0.7 else ("B" if favourite == "A" else "A")
        target = 45 if self.team else 15
        if self.rng.random() < 0.1:  # time ran out
            won = self.rng.randint(target // 3, target - 1)
            bout.touches = (won, self.rng.randint(0, won - 1))
        else:
            bout.touches = (target, self.rng.randint(0, target - 1))
        if self.referees:
            bout.referees = [self.people.referee("Ref")]
            if column >= table_count - 3:
                bout.referees.append(self.people.referee("Video"))
            if self.team:
                bout.referees.append(self.people.referee("Assist"))
        if self.time_lines:
            bout.time, bout.strip = self.time_and_strip(column)
            bout.time_line = True
        if self.team:
            bout.match_id = self.ids.new()

    def announce(self, bout: PlannedBout, column: int) -> None:
        bout.time, bout.strip = self.time_and_strip(column)
        bout.announced = True
        bout.time_line = self.rng.random() < 0.3  # sometimes also printed under the score cell

    def time_and_strip(self, column: int) -> tuple[str, str]:
        minutes = 9 * 60 + column * 50 + self.rng.randrange(0, 40)
        hour, minute = divmod(minutes, 60)
        time = f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
        draw = self.rng.random()
        strip = self.rng.choice(_STRIPS) if draw < 0.3 else str(self.rng.randint(1, 40))
        return time, strip
