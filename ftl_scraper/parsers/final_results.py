"""Read an event's final results (/events/results/data/{event}) into ``models.FinalResult`` rows."""

from __future__ import annotations

import re
from typing import Any

from ftl_scraper.errors import FinalResultsParseError
from ftl_scraper.models import FinalResult
from ftl_scraper.parsers.json_data import decode_json_array, json_type

ENDPOINT = "final results JSON"

# "1", "3T", "52T": a trailing T marks a tie (ftl-site.md §6); anything else is kept as a label
_PLACE_TEXT = re.compile(r"(?P<place>\d+)(?P<tie>T?)", re.IGNORECASE)


def parse_final_results(data: str | bytes | list[Any], event_id: str | None = None) -> list[FinalResult]:
    """Every row in FTL's order. Keys the contract does not name are ignored; a row without
    ``id`` or ``name`` is an error naming the row."""
    context = {"event_id": event_id}
    rows = decode_json_array(data, ENDPOINT, FinalResultsParseError, **context)
    return [_read_row(index, row, context) for index, row in enumerate(rows)]


def _read_row(index: int, row: object, context: dict[str, Any]) -> FinalResult:
    def error(detail: str) -> FinalResultsParseError:
        return FinalResultsParseError(f"{ENDPOINT}: row {index}: {detail}", **context)

    if not isinstance(row, dict):
        raise error(f"expected an object, got {json_type(row)}")

    def text(key: str, *, required: bool = False) -> str | None:
        value = row.get(key)
        if value is None:
            if required:
                raise error(f"missing required field {key!r}")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise error(f"field {key!r} is {json_type(value)} ({value!r}), expected a non-empty string")
        return value

    place_label = row.get("place")
    if isinstance(place_label, int) and not isinstance(place_label, bool):
        place_label = str(place_label)  # tolerated: the capture only ever shows strings
    elif place_label is not None and not isinstance(place_label, str):
        raise error(f"field 'place' is {json_type(place_label)} ({place_label!r}), expected a string")
    match = _PLACE_TEXT.fullmatch(place_label.strip()) if place_label else None
    place = int(match["place"]) if match and int(match["place"]) > 0 else None
    excluded = row.get("excluded")
    if excluded is not None and not isinstance(excluded, bool):
        raise error(f"field 'excluded' is {json_type(excluded)} ({excluded!r}), expected a boolean")
    return FinalResult(
        fencer_id=str(text("id", required=True)).strip(),
        name=str(text("name", required=True)),
        place=place,
        place_label=place_label,
        tie=bool(place is not None and match and match["tie"]),
        excluded=excluded,
        country=text("country"),
        club_primary=text("club1"),
        club_secondary=text("club2"),
        division=text("div"),
    )
