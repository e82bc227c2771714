"""Read the pool-round ranking JSON (/pools/results/data/{e}/{r}) into a ``models.PoolResults``."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from ftl_scraper.errors import InvalidArgumentError, LoginRequiredError, ResultsParseError
from ftl_scraper.models import PoolResult, PoolResults
from ftl_scraper.parsers.text import normalize_whitespace
from ftl_scraper.site.ids import FTL_ID
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE, is_login_page

ENDPOINT = "pool results JSON"

# "3" or "3T": the final-results endpoint writes places as strings with a T for ties
_PLACE_TEXT = re.compile(r"(?P<place>\d+)(?P<tie>T?)", re.IGNORECASE)
_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_DECIMAL_TEXT = re.compile(r"\d+(?:\.\d+)?")

ResultStatus = Literal["advanced", "eliminated", "unknown"]


def parse_pool_results(data: str | bytes | list[Any], event_id: str, pool_round_id: str) -> PoolResults:
    """Parse FTL's pool results (raw JSON text/bytes or the decoded array), keeping FTL's order."""
    context = {
        "event_id": _checked_id(event_id, "event_id"),
        "pool_round_id": _checked_id(pool_round_id, "pool_round_id"),
    }
    entries = _decode(data, context)
    fencers = [_read_entry(index, entry, context) for index, entry in enumerate(entries)]
    return PoolResults(fencers=fencers, **context)


def status_from_prediction(prediction: str | None) -> ResultStatus:
    """Map FTL's free-text ``prediction`` to the contract's status; unknown values stay unknown."""
    label = (prediction or "").strip().lower()
    if label == "advanced":
        return "advanced"
    if label in ("eliminated", "cut"):
        return "eliminated"
    return "unknown"


def _checked_id(value: str, argument: str) -> str:
    cleaned = value.strip().upper() if isinstance(value, str) else ""
    if not FTL_ID.fullmatch(cleaned):
        raise InvalidArgumentError(f"{argument} must be a 32-character hex FTL ID, got {value!r}")
    return cleaned


def _decode(data: str | bytes | list[Any], context: dict[str, str]) -> list[Any]:
    decoded: object = data
    if isinstance(data, str | bytes):
        try:
            decoded = json.loads(data.lstrip("\ufeff") if isinstance(data, str) else data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _decode_error(data, exc, context) from exc
    if not isinstance(decoded, list):
        raise ResultsParseError(
            f"{ENDPOINT}: expected an array at the top level, got {_json_type(decoded)}",
            **context,
        )
    return decoded


def _decode_error(
    data: str | bytes, exc: ValueError, context: dict[str, str]
) -> LoginRequiredError | ResultsParseError:
    text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    if is_login_page(text):
        return LoginRequiredError(LOGIN_REQUIRED_MESSAGE, **context)
    return ResultsParseError(f"{ENDPOINT}: not valid JSON ({exc})", **context)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _read_entry(index: int, entry: object, context: dict[str, str]) -> PoolResult:
    if not isinstance(entry, dict):
        raise ResultsParseError(
            f"{ENDPOINT}: entry {index}: expected an object, got {_json_type(entry)}", **context
        )
    return _EntryReader(index, entry, context).read()


class _EntryReader:
    """Reads one fencer's object; errors name the endpoint, entry index, fencer and field."""

    def __init__(self, index: int, entry: dict[str, Any], context: dict[str, str]) -> None:
        self.index = index
        self.entry = entry
        self.context = context

    def error(self, detail: str) -> ResultsParseError:
        return ResultsParseError(f"{ENDPOINT}: entry {self.index}{self._who()}: {detail}", **self.context)

    def _who(self) -> str:
        known = [
            f"{key} {self.entry[key]!r}"
            for key in ("id", "name")
            if isinstance(self.entry.get(key), str) and self.entry[key]
        ]
        return f" ({', '.join(known)})" if known else ""

    def read(self) -> PoolResult:
        victories, matches, scored, received = (self._count(key) for key in ("v", "m", "ts", "tr"))
        place, tied_by_place = self._place()
        prediction = self._optional_text("prediction", keep_empty=True)
        try:
            return PoolResult(
                fencer_id=self._fencer_id(),
                name=self._name(),
                club_primary=self._optional_text("club1"),
                club_secondary=self._optional_text("club2"),
                division=self._optional_text("div"),
                country=self._optional_text("country"),
                place=place,
                tie=self._tie() or tied_by_place,
                victories=victories,
                matches=matches,
                victory_ratio=self._victory_ratio(victories, matches),
                touches_scored=scored,
                touches_received=received,
                indicator=self._integer("ind"),
                prediction_raw=prediction,
                status=status_from_prediction(prediction),
            )
        except ValueError as exc:  # pydantic's ValidationError, a backstop behind the checks here
            raise self.error(normalize_whitespace(str(exc))) from exc

    def _required(self, key: str) -> object:
        value = self.entry.get(key)
        if value is None:
            raise self.error(f"missing required field {key!r}")
        return value

    def _mistyped(self, key: str, expected: str) -> ResultsParseError:
        value = self.entry.get(key)
        return self.error(f"field {key!r} is {_json_type(value)} ({value!r}), expected {expected}")

    def _fencer_id(self) -> str:
        value = self._required("id")
        if not isinstance(value, str) or not FTL_ID.fullmatch(value.strip()):
            raise self._mistyped("id", "a 32-character hex FTL ID")
        return value.strip().upper()

    def _name(self) -> str:
        value = self._required("name")
        if not isinstance(value, str) or not value.strip():
            raise self._mistyped("name", "a non-empty string")
        return value

    def _integer(self, key: str) -> int:
        value = self._required(key)
        # FTL sends numbers; a whole number written as a string ("4", "+5") or as 4.0 is read as
        # what it says rather than failing the round, anything fractional or wordy is refused
        if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
            return int(value.strip())
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._mistyped(key, "an integer")
        return value

    def _count(self, key: str) -> int:
        value = self._integer(key)
        if value < 0:
            raise self._mistyped(key, "a non-negative integer")
        return value

    def _place(self) -> tuple[int, bool]:
        value = self._required("place")
        if isinstance(value, str) and (match := _PLACE_TEXT.fullmatch(value.strip())):
            place, tied = int(match["place"]), bool(match["tie"])
        elif isinstance(value, int) and not isinstance(value, bool):
            place, tied = value, False
        else:
            raise self._mistyped("place", "an integer or a string such as '3' or '3T'")
        if place < 1:
            raise self._mistyped("place", "a place of 1 or more")
        return place, tied

    def _tie(self) -> bool:
        value = self.entry.get("tie")
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self._mistyped("tie", "a boolean")
        return value

    def _victory_ratio(self, victories: int, matches: int) -> float:
        value = self.entry.get("vm")
        if value is None:
            return round(victories / matches, 3) if matches else 0.0
        if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value.strip()):
            value = float(value)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise self._mistyped("vm", "a number from 0 to 1")
        return float(value)

    def _optional_text(self, key: str, *, keep_empty: bool = False) -> str | None:
        value = self.entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._mistyped(key, "a string or null")
        if not value.strip() and not keep_empty:
            return None
        return value
