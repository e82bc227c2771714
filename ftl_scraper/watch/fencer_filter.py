"""The ``-a fencers=`` filter: keep the change lines that involve given fencers, and the round-level ones."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.models.changes import ChangeLine, PoolChange, PoolRoundChange
from ftl_scraper.watch.pools_changes import fencers_in
from ftl_scraper.watch.tableau_changes import fencers_named


def name_key(name: str) -> str:
    """A name as the filter compares it: no accents, no case, single spaces ("LEFÈVRE  Chloé" ->
    "lefevre chloe")."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class FencerFilter:
    """Fencers named as FTL writes them ("SURNAME Given"), compared without case or accents."""

    names: frozenset[str]

    @classmethod
    def parse(cls, argument: str) -> FencerFilter:
        """``"SURNAME Given;OTHER Name"`` (semicolon-separated)."""
        names = frozenset(name_key(part) for part in argument.split(";") if part.strip())
        if not names:
            raise InvalidArgumentError(
                "spider argument 'fencers': give at least one name, e.g. fencers='SURNAME Given;OTHER Name'"
            )
        return cls(names)

    def tracks(self, name: str) -> bool:
        return name_key(name) in self.names

    def keeps(self, change: ChangeLine, pool_members: Mapping[str, Collection[str]]) -> bool:
        """A bout or withdrawal naming a tracked fencer; a pool-level line (strip, finished...) of a
        pool with a tracked fencer; every round-level line (snapshot, round finished, results...).
        In a tableau: a bout naming a tracked fencer, and every tree- or tableau-level line."""
        named = fencers_in(change) if isinstance(change, PoolRoundChange) else fencers_named(change)
        if named is None and isinstance(change, PoolChange):
            named = pool_members.get(change.pool_id, ())
        if named is None:
            return True
        return any(self.tracks(name) for name in named)
