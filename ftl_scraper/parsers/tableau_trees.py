"""Read a tableau's list of trees (``/tableaus/scores/{e}/{d}/trees``, JSON) in FTL's treeNum order."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ftl_scraper.errors import TableauTreesParseError
from ftl_scraper.parsers.json_data import decode_json_array
from ftl_scraper.parsers.text import normalize_whitespace
from ftl_scraper.site.ids import FTL_ID

ENDPOINT = "tableau trees JSON"
# "T64 Rep 1/2 (C)", "Repechage", "Repêchage": trees whose markup has never been seen
_REPECHAGE_NAME = re.compile(r"\brep(?:[eê]chage)?\b", re.IGNORECASE)
# a table of 1024 has 10 bout columns; more would be no fencing event
MAX_TABLE_COUNT = 12


class TreeListing(BaseModel):
    """One tree as the trees JSON lists it (FTL's own keys; ``firstIncompleteTable`` is not relied on)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    tree_id: str = Field(alias="guid")
    name: str
    table_count: int = Field(alias="numTables", ge=1, le=MAX_TABLE_COUNT)
    tree_number: int = Field(alias="treeNum", ge=0)

    @property
    def is_repechage(self) -> bool:
        return _REPECHAGE_NAME.search(self.name) is not None


def parse_tableau_trees(data: str | bytes) -> list[TreeListing]:
    """Every tree of the tableau, sorted by ``treeNum`` (FTL's list order is not relied on)."""
    decoded = decode_json_array(data, ENDPOINT, TableauTreesParseError)
    if not decoded:
        raise TableauTreesParseError(f"{ENDPOINT}: the tableau has no trees (not drawn yet?)")
    trees = [_read_tree(index, entry) for index, entry in enumerate(decoded)]
    for label, key in (("treeNum", "tree_number"), ("guid", "tree_id")):
        values = [getattr(tree, key) for tree in trees]
        if len(set(values)) != len(values):
            raise TableauTreesParseError(f"{ENDPOINT}: two trees share one {label}")
    return sorted(trees, key=lambda tree: tree.tree_number)


def _read_tree(index: int, entry: object) -> TreeListing:
    try:
        tree = TreeListing.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "entry"
        raise TableauTreesParseError(f"{ENDPOINT}: tree {index + 1}: {where}: {first['msg']}") from None
    if not FTL_ID.fullmatch(tree.tree_id):
        raise TableauTreesParseError(
            f"{ENDPOINT}: tree {index + 1}: guid {tree.tree_id!r} is not 32 hex digits"
        )
    return tree.model_copy(update={"tree_id": tree.tree_id.upper(), "name": normalize_whitespace(tree.name)})
