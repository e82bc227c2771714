"""Invented FTL pool rounds with their exact expected parse (the ground truth of the fake FTL).

Everything derives from ``random.Random(seed)``, so one seed always gives the same event,
markup and JSON. Names, clubs and IDs are invented; nothing is copied from real FTL data.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from ftl_scraper.models import (
    Pool,
    PoolBout,
    PoolFencer,
    PoolResult,
    PoolResults,
    PoolsBundle,
    Referee,
)

AffiliationStyle = Literal["flag", "club", "club_division_country"]
# "mixed" cycles through every variant FTL can show, one per pool
StripStyle = Literal["number", "letter", "none", "mixed"]

MEDICAL_WITHDRAWAL = "Medical Withdrawal"
FAILED_TO_APPEAR = "Failed to Appear"
FLIGHT_TIMES = ("9:00 AM", "10:45 AM")
# Non-5 wins FTL shows in real foil pools; the first pools get one each so every event has them.
SHORT_WINS: tuple[tuple[int, int], ...] = ((4, 3), (4, 1), (3, 2), (3, 0), (2, 1), (4, 2))
SHORT_WIN_RATE = 0.025
ADVANCING_SHARE = 0.8

# Invented women's names per country: (surnames, given names). Korean and Egyptian given
# names are in capitals as FTL often shows them.
_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "FRA": (
        ("LEFÈVRE", "MOREAU", "GIRARD", "FONTAINE", "DE LA TOUR", "BLANC-MARTIN", "ROUSSEL"),
        ("Chloé", "Élodie", "Anne-Sophie", "Léa", "Camille", "Manon", "Inès", "Margaux"),
    ),
    "ITA": (
        ("ROSSETTI", "BIANCONI", "DE SANTIS", "GALLINI", "CONTARDI", "LO RUSSO", "FERRANTE"),
        ("Giulia", "Chiara", "Maria Luisa", "Francesca", "Alessia", "Martina", "Ludovica"),
    ),
    "USA": (
        ("O'CONNELL", "WHITFIELD", "MILLBROOK", "NGUYEN", "PATEL", "RODRIGUEZ", "VAN BUREN"),
        ("Madison", "Olivia", "Mary Kate", "Harper", "Emily", "Savannah", "Josephine"),
    ),
    "HUN": (
        ("NAGYVÁRI", "KOVÁCS", "TÓTHFALU", "SZABÓ", "HORVÁTH", "VARGAHEGYI"),
        ("Réka", "Zsófia", "Anna", "Eszter", "Dóra", "Boglárka"),
    ),
    "KOR": (
        ("KIM", "LEE", "PARK", "CHOI", "JUNG", "YOON", "HAN"),
        ("SEO YEON", "JI WOO", "HA EUN", "MIN SEO", "YU NA", "DA IN", "SO HEE"),
    ),
    "JPN": (
        ("TANAKAWA", "SATOMI", "WATANABE", "ITOYAMA", "YAMAMOTO", "NAKAMURA"),
        ("Yui", "Hina", "Sakura", "Aoi", "Rin", "Mei"),
    ),
    "GER": (
        ("MÜLLERS", "SCHMIDT-HOFFMANN", "WAGENER", "BECKMANN", "VON ARNSBERG", "KRAUSE"),
        ("Lena", "Hannah", "Marie-Luise", "Sophie", "Johanna", "Greta"),
    ),
    "POL": (
        ("NOWICKA", "WIŚNIEWSKA", "KOWALCZYK", "ZIELIŃSKA", "LEWANDOWSKA", "DĄBROWSKA"),
        ("Zuzanna", "Julia", "Maja", "Aleksandra", "Wiktoria", "Ewelina"),
    ),
    "EGY": (
        ("ELSAYED", "HASSANEIN", "MAHMOUD", "ABDEL RAHMAN", "FAROUK", "SOLIMAN"),
        ("MARIAM", "SALMA", "NOUR", "FARIDA", "HABIBA", "ROKAYA"),
    ),
    "CHN": (
        ("WANG", "LI", "ZHANG", "LIU", "CHEN", "HUANG", "ZHOU"),
        ("Yiwen", "Xinyi", "Zi Han", "Mengting", "Ruoxi", "Jiayi"),
    ),
    "ESP": (
        ("GARCÍA LÓPEZ", "MARTÍNEZ RUIZ", "DE LA FUENTE", "SÁNCHEZ", "NÚÑEZ", "ORTEGA"),
        ("Lucía", "Paula", "María José", "Carmen", "Ainhoa", "Nerea"),
    ),
    "CAN": (
        ("TREMBLAY", "GAGNON", "MACDONALD", "ROY", "CÔTÉ", "BOUCHARD"),
        ("Émilie", "Sarah", "Ava", "Charlotte", "Maëlle", "Rosalie"),
    ),
    "UKR": (
        ("KOVALENKO", "BONDARENKO", "TKACHENKO", "MELNYK", "HAVRYLIUK"),
        ("Olena", "Daryna", "Sofiia", "Anastasiia", "Uliana-Mariia"),
    ),
    "BRA": (
        ("SILVEIRA", "SANTANA", "OLIVEIRA", "DOS SANTOS", "PEREIRA"),
        ("Ana Clara", "Beatriz", "Larissa", "Gabriela", "Yasmin"),
    ),
}
_DOUBLE_SURNAME_COUNTRIES = frozenset({"ESP", "BRA", "FRA", "ITA", "CAN"})
_NICKNAMES = ("Mimi", "Kat", "Lulu", "Bea", "Jo", "Tina", "Dee")
_CLUB_CODES = (
    "NORTHSA",
    "RIVFC",
    "ELMAC",
    "KNIGHTFC",
    "SALLEW",
    "MIDFC",
    "HARBRFA",
    "OAKSA",
    "STELLAFC",
    "CITYFA",
    "PEAKFC",
    "BAYSIDE",
    "LAKEUNI",
    "WESTVAL",
)
_US_DIVISIONS = (
    "Gulf Coast",
    "North Texas",
    "Metro NYC",
    "Northern California",
    "Colorado",
    "Oregon",
    "New England",
    "Capitol",
)


@dataclass(frozen=True)
class Person:
    """One invented fencer or referee and the affiliation parts FTL would show."""

    name: str
    country: str | None
    club: str | None
    division: str | None
    club_secondary: str | None = None

    @property
    def affiliation(self) -> str | None:
        """The poolAffil text, whitespace-normalised: parts joined by ' / '."""
        parts = [part for part in (self.club, self.division, self.country) if part]
        return " / ".join(parts) or None


@dataclass
class FakeEvent:
    """One generated pool round: the expected parse plus the raw results JSON FTL would serve."""

    seed: int
    event_id: str
    pool_round_id: str
    pools: list[Pool]
    results: PoolResults
    results_json: list[dict[str, Any]]
    tournament_name: str = "Invented Spring Open 2026"
    event_name: str = "Senior Women's Foil"
    event_time: str = "Saturday, April 18, 2026 9:00 AM"
    fencer_ids: dict[str, str] = field(default_factory=dict)

    @property
    def pool_ids(self) -> list[str]:
        return [pool.pool_id for pool in self.pools]

    def pool(self, pool_id: str) -> Pool:
        """The pool with this ID (upper or lower case)."""
        for pool in self.pools:
            if pool.pool_id == pool_id.upper():
                return pool
        raise KeyError(pool_id)

    def expected_bundle(self) -> dict[str, Any]:
        """The complete bundle a correct crawl of this event exports."""
        bundle = PoolsBundle(
            event_id=self.event_id,
            pool_round_id=self.pool_round_id,
            pool_ids=self.pool_ids,
            pools=self.pools,
            results=self.results,
            complete=True,
            errors=[],
        )
        return bundle.model_dump(mode="json")


def generate_event(
    *,
    seed: int = 1,
    pool_count: int = 24,
    pool_sizes: Sequence[int] = (7, 6),
    affiliation_style: AffiliationStyle = "flag",
    strip_style: StripStyle = "number",
    start_times: bool = True,
    medical_withdrawals: int | None = None,
    failed_to_appear: int | None = None,
    pending_bouts: int = 0,
    event_id: str | None = None,
    pool_round_id: str | None = None,
) -> FakeEvent:
    """Invent a pool round deterministically from ``seed``.

    ``pool_sizes``: one size per pool when it has ``pool_count`` entries; otherwise the first
    size for most pools and each further size for the last few (24 pools of (7, 6) = 22 x 7 +
    2 x 6). Withdrawals default to one of each kind in events of 20+ pools, none below.
    ``pending_bouts`` leaves that many bouts of the last pool unfenced. ``event_id`` and
    ``pool_round_id`` force those IDs (e.g. the demo event's); the rest of the event is the same.
    """
    rng = random.Random(seed)
    ids = _IdFactory(rng)
    # drawn even when forced, so that forcing IDs leaves the rest of the event unchanged
    drawn_event_id, drawn_pool_round_id = ids.new(), ids.new()
    event_id = ids.reserve(event_id) if event_id else drawn_event_id
    pool_round_id = ids.reserve(pool_round_id) if pool_round_id else drawn_pool_round_id
    sizes = _layout_pool_sizes(pool_count, pool_sizes)
    people = _PeopleFactory(rng, affiliation_style)
    withdrawals = _place_withdrawals(
        rng,
        sizes,
        _default_count(medical_withdrawals, pool_count),
        _default_count(failed_to_appear, pool_count),
        avoid_last=pending_bouts > 0,
    )
    slots = _strip_slots(rng, pool_count, strip_style, start_times)
    fencer_ids: dict[str, str] = {}
    people_by_name: dict[str, Person] = {}
    pools: list[Pool] = []
    for index, size in enumerate(sizes):
        members = [people.new() for _ in range(size)]
        for person in members:
            fencer_ids[person.name] = ids.new()
            people_by_name[person.name] = person
        pending = pending_bouts if index == pool_count - 1 else 0
        bouts = _simulate_bouts(rng, members, withdrawals.get(index), pending, index)
        strip, start_time = slots[index]
        pools.append(
            Pool(
                pool_id=ids.new(),
                pool_number=index + 1,
                strip=strip,
                start_time=start_time,
                fencers=_pool_fencers(members, bouts, withdrawals.get(index)),
                bouts=bouts,
                referees=_referees(rng, people, no_referees=index % 12 == 9),
            )
        )
    results_json = _results_json(pools, fencer_ids, people_by_name)
    return FakeEvent(
        seed=seed,
        event_id=event_id,
        pool_round_id=pool_round_id,
        pools=pools,
        results=parse_results_json(results_json, event_id, pool_round_id),
        results_json=results_json,
        fencer_ids=fencer_ids,
    )


# ---------------------------------------------------------------- identifiers and layout


class _IdFactory:
    """Unique 32-character upper-case hexadecimal IDs, as FTL uses for everything."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def reserve(self, value: str) -> str:
        """Take a given ID (upper-cased), so that no generated ID repeats it."""
        value = value.upper()
        if len(value) != 32 or any(char not in "0123456789ABCDEF" for char in value):
            raise ValueError(f"an FTL ID is 32 hexadecimal characters, got {value!r}")
        self._seen.add(value)
        return value

    def new(self) -> str:
        while True:
            value = f"{self._rng.getrandbits(128):032X}"
            if value not in self._seen:
                self._seen.add(value)
                return value


def _layout_pool_sizes(pool_count: int, pool_sizes: Sequence[int]) -> list[int]:
    if pool_count < 1 or not pool_sizes:
        raise ValueError("an event needs at least one pool and one pool size")
    if any(size < 2 for size in pool_sizes):
        raise ValueError(f"pool sizes must be at least 2, got {list(pool_sizes)}")
    if len(pool_sizes) == pool_count:
        return list(pool_sizes)
    main, *others = pool_sizes
    per_other = min(max(1, pool_count // 12), (pool_count - 1) // max(1, len(others)))
    tail = [size for size in others for _ in range(per_other)]
    return [main] * (pool_count - len(tail)) + tail


def _default_count(requested: int | None, pool_count: int) -> int:
    if requested is not None:
        return requested
    return 1 if pool_count >= 20 else 0


def _place_withdrawals(
    rng: random.Random,
    sizes: list[int],
    medical: int,
    absent: int,
    *,
    avoid_last: bool,
) -> dict[int, tuple[int, str]]:
    """Map pool index -> (0-based position, label); at most one withdrawn fencer per pool."""
    candidates = [i for i, size in enumerate(sizes) if size >= 4]
    if avoid_last and len(sizes) - 1 in candidates:
        candidates.remove(len(sizes) - 1)
    labels = [MEDICAL_WITHDRAWAL] * medical + [FAILED_TO_APPEAR] * absent
    if len(labels) > len(candidates):
        raise ValueError(f"{len(labels)} withdrawals need as many pools of 4+ fencers")
    chosen = sorted(rng.sample(candidates, len(labels)))
    rng.shuffle(labels)
    return {pool: (rng.randrange(sizes[pool]), label) for pool, label in zip(chosen, labels, strict=True)}


def _strip_slots(
    rng: random.Random, pool_count: int, strip_style: StripStyle, start_times: bool
) -> list[tuple[str | None, str | None]]:
    """(strip, start time) per pool: two flights sharing strips, pool 1 and N/2+1 alike."""
    first_flight = math.ceil(pool_count / 2)
    order = list(range(first_flight))
    rng.shuffle(order)
    slots: list[tuple[str | None, str | None]] = []
    for index in range(pool_count):
        flight, slot = divmod(index, first_flight)
        strip_index = order[slot]
        time = FLIGHT_TIMES[min(flight, 1)] if start_times else None
        style = strip_style
        if strip_style == "mixed":
            style = ("number", "number", "letter", "none")[index % 4]
            # pools 2, 6, 10...: strip but no time, as in FTL's medical-withdrawal capture
            time = None if index % 4 == 1 else FLIGHT_TIMES[min(flight, 1)]
            if index % 8 == 7:
                time = None  # neither strip nor time: FTL omits the span
        slots.append((_strip_label(style, strip_index), time))
    return slots


def _strip_label(style: str, strip_index: int) -> str | None:
    if style == "none":
        return None
    if style == "letter":
        letter, number = divmod(strip_index, 4)
        return f"{'ABCDEFGHJK'[letter % 10]}{number + 1}"
    return str(strip_index + 1)


# ---------------------------------------------------------------- people


class _PeopleFactory:
    """Invented people with unique names, affiliated in one of FTL's styles."""

    def __init__(self, rng: random.Random, style: AffiliationStyle) -> None:
        self._rng = rng
        self._style = style
        self._names: set[str] = set()

    def new(self) -> Person:
        country = self._country()
        name = self._unique_name(country)
        if self._style == "flag":
            return Person(name=name, country=country, club=None, division=None)
        club = self._rng.choice(_CLUB_CODES)
        if self._style == "club":
            return Person(name=name, country=None, club=club, division=None)
        second = self._rng.choice(_CLUB_CODES) if self._rng.random() < 0.1 else None
        return Person(
            name=name,
            country=country,
            club=club,
            division=self._rng.choice(_US_DIVISIONS),
            club_secondary=second if second != club else None,
        )

    def _country(self) -> str:
        if self._style == "flag":
            return self._rng.choice(sorted(_NAMES))
        # US events: mostly USA, a few visitors from the neighbours
        return "USA" if self._rng.random() < 0.9 else "CAN"

    def _unique_name(self, country: str) -> str:
        # names follow the country's style even when the affiliation is a club
        pool = country if self._style == "flag" else self._rng.choice(sorted(_NAMES))
        surnames, given_names = _NAMES[pool]
        for _ in range(1000):
            name = f"{self._rng.choice(surnames)} {self._rng.choice(given_names)}"
            if pool in _DOUBLE_SURNAME_COUNTRIES and self._rng.random() < 0.15:
                first, second = self._rng.sample(surnames, 2)
                name = f"{first} {second} {self._rng.choice(given_names)}"
            if self._rng.random() < 0.03:
                name = f"{name} ({self._rng.choice(_NICKNAMES)})"
            if name not in self._names:
                self._names.add(name)
                return name
        raise RuntimeError("ran out of invented names; lower pool_count")


# ---------------------------------------------------------------- bouts and pool totals


def _simulate_bouts(
    rng: random.Random,
    members: list[Person],
    withdrawal: tuple[int, str] | None,
    pending: int,
    pool_index: int,
) -> list[PoolBout]:
    """Every pair (a < b) in position order; stronger fencers win more often."""
    strength = [rng.gauss(0, 1) for _ in members]
    pairs = [(a, b) for a in range(len(members)) for b in range(a + 1, len(members))]
    withdrawn = withdrawal[0] if withdrawal else None
    fenced = [pair for pair in pairs if withdrawn not in pair]
    pending_pairs = set(rng.sample(fenced, min(pending, len(fenced))))
    # the first pools each get one of the short wins, so every event shows them
    forced: dict[tuple[int, int], tuple[int, int]] = {}
    fenceable = [pair for pair in fenced if pair not in pending_pairs]
    if pool_index < len(SHORT_WINS) and fenceable:
        forced[rng.choice(fenceable)] = SHORT_WINS[pool_index]
    bouts: list[PoolBout] = []
    for a, b in pairs:
        who: dict[str, Any] = {"position_a": a + 1, "position_b": b + 1}
        who |= {"fencer_a": members[a].name, "fencer_b": members[b].name}
        if withdrawn in (a, b):
            bouts.append(_unscored_bout(who, "annulled"))
        elif (a, b) in pending_pairs:
            bouts.append(_unscored_bout(who, "pending"))
        else:
            a_wins = rng.random() < 1 / (1 + math.exp(strength[b] - strength[a]))
            winner_score, loser_score = forced.get((a, b)) or _bout_score(rng)
            scores = (winner_score, loser_score) if a_wins else (loser_score, winner_score)
            bouts.append(
                PoolBout(
                    **who,
                    score_a=scores[0],
                    score_b=scores[1],
                    winner="A" if a_wins else "B",
                    status="complete",
                )
            )
    return bouts


def _unscored_bout(who: dict[str, Any], status: Literal["pending", "annulled"]) -> PoolBout:
    return PoolBout(**who, score_a=None, score_b=None, winner=None, status=status)


def _bout_score(rng: random.Random) -> tuple[int, int]:
    if rng.random() < SHORT_WIN_RATE:
        return rng.choice(SHORT_WINS)
    return 5, rng.choices(range(5), weights=(2, 3, 4, 5, 5))[0]


@dataclass(frozen=True)
class Totals:
    """V, M, TS, TR of one fencer over the bouts FTL counts (complete ones only)."""

    victories: int
    matches: int
    touches_scored: int
    touches_received: int

    @property
    def indicator(self) -> int:
        return self.touches_scored - self.touches_received

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.victories, self.matches) if self.matches else Fraction(0)


def fencer_totals(bouts: Sequence[PoolBout], position: int) -> Totals:
    """Recompute one fencer's totals from the bouts, leaving out annulled and pending ones."""
    victories = matches = scored = received = 0
    for bout in bouts:
        if bout.status != "complete" or position not in (bout.position_a, bout.position_b):
            continue
        is_a = bout.position_a == position
        own, other = (bout.score_a, bout.score_b) if is_a else (bout.score_b, bout.score_a)
        matches += 1
        victories += bout.winner == ("A" if is_a else "B")
        scored += own or 0
        received += other or 0
    return Totals(victories, matches, scored, received)


def round_half_up(value: Fraction, places: int) -> float:
    """Round like FTL displays (0.125 -> 0.13), not Python's banker's rounding."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _pool_fencers(
    members: list[Person], bouts: list[PoolBout], withdrawal: tuple[int, str] | None
) -> list[PoolFencer]:
    fencers = []
    for index, person in enumerate(members):
        common = {
            "position": index + 1,
            "name": person.name,
            "affiliation": person.affiliation,
            "club": person.club,
            "division": person.division,
            "country": person.country,
        }
        if withdrawal and withdrawal[0] == index:
            fencers.append(_withdrawn_fencer(common, withdrawal[1]))
            continue
        totals = fencer_totals(bouts, index + 1)
        fencers.append(
            PoolFencer(
                **common,
                status="active",
                status_label=None,
                victories=totals.victories,
                victory_ratio=round_half_up(totals.ratio, 2),
                touches_scored=totals.touches_scored,
                touches_received=totals.touches_received,
                indicator=totals.indicator,
            )
        )
    return fencers


def _withdrawn_fencer(common: dict[str, Any], label: str) -> PoolFencer:
    return PoolFencer(
        **common,
        status="withdrawn",
        status_label=label,
        victories=None,
        victory_ratio=None,
        touches_scored=None,
        touches_received=None,
        indicator=None,
    )


def _referees(rng: random.Random, people: _PeopleFactory, *, no_referees: bool) -> list[Referee]:
    """One or two referees (FTL shows 2 slightly more often); pools #10, #22... have none."""
    count = 0 if no_referees else rng.choices((1, 2), weights=(5, 7))[0]
    referees = []
    for _ in range(count):
        person = people.new()
        referees.append(Referee(name=person.name, affiliation=person.affiliation, country=person.country))
    return referees


# ---------------------------------------------------------------- the round's ranking


def _results_json(
    pools: list[Pool], fencer_ids: dict[str, str], people: dict[str, Person]
) -> list[dict[str, Any]]:
    """FTL's /pools/results/data array: fencers who fenced, ranked V/M, Ind, TS."""
    ranked = sorted(
        (
            (fencer_totals(pool.bouts, fencer.position), fencer.name)
            for pool in pools
            for fencer in pool.fencers
            if fencer.status == "active"
        ),
        key=lambda item: (_rank_key(item[0]), item[1]),
    )
    keys = [_rank_key(totals) for totals, _ in ranked]
    places = _competition_places(keys)
    advancing = math.ceil(len(ranked) * ADVANCING_SHARE)
    rows = []
    for (totals, name), key, place in zip(ranked, keys, places, strict=True):
        tie = keys.count(key) > 1
        prediction = "Advanced" if place <= advancing else "Eliminated"
        rows.append(_result_row(fencer_ids[name], people[name], totals, place, tie, prediction))
    return rows


def _rank_key(totals: Totals) -> tuple[Fraction, int, int]:
    return (-totals.ratio, -totals.indicator, -totals.touches_scored)


def _competition_places(keys: list[tuple[Fraction, int, int]]) -> list[int]:
    """1, 2, 2, 4: equal keys share the place of the first of them."""
    places: list[int] = []
    for index, key in enumerate(keys):
        places.append(places[-1] if index and keys[index - 1] == key else index + 1)
    return places


def _result_row(
    fencer_id: str, person: Person, totals: Totals, place: int, tie: bool, prediction: str
) -> dict[str, Any]:
    vm = round_half_up(totals.ratio, 3)
    row: dict[str, Any] = {
        "id": fencer_id,
        "v": totals.victories,
        "m": totals.matches,
        "vm": int(vm) if vm.is_integer() else vm,  # JSON numbers: 1, not 1.0
        "ts": totals.touches_scored,
        "tr": totals.touches_received,
        "ind": totals.indicator,
        "prediction": prediction,
        "name": person.name,
    }
    row |= _result_affiliation(person)
    searchable = [person.name, row.get("div"), row.get("country"), row.get("club1")]
    searchable.append(row.get("club2"))
    row["search"] = "|".join(part.lower() for part in searchable if part)
    row |= {"place": place, "tie": tie}
    return row


def _result_affiliation(person: Person) -> dict[str, str | None]:
    """International events omit club keys; club events send nulls; US events send all."""
    if person.club is None:
        return {"country": person.country}
    if person.division is None:
        return {"div": None, "country": None, "club1": person.club, "club2": None}
    return {
        "div": person.division,
        "country": person.country,
        "club1": person.club,
        "club2": person.club_secondary,
    }


def parse_results_json(rows: list[dict[str, Any]], event_id: str, pool_round_id: str) -> PoolResults:
    """The expected parse of the results JSON (the contract's view of each row)."""
    statuses = {"advanced": "advanced", "eliminated": "eliminated"}
    return PoolResults(
        event_id=event_id,
        pool_round_id=pool_round_id,
        fencers=[
            PoolResult(
                fencer_id=row["id"],
                name=row["name"],
                club_primary=row.get("club1"),
                club_secondary=row.get("club2"),
                division=row.get("div"),
                country=row.get("country"),
                place=row["place"],
                tie=row["tie"],
                victories=row["v"],
                matches=row["m"],
                victory_ratio=float(row["vm"]),
                touches_scored=row["ts"],
                touches_received=row["tr"],
                indicator=row["ind"],
                prediction_raw=row["prediction"],
                status=statuses.get(row["prediction"].lower(), "unknown"),
            )
            for row in rows
        ],
    )
