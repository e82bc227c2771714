"""Small text helpers shared by the FTL parsers: whitespace and affiliations."""

from __future__ import annotations

import re
from typing import NamedTuple

_COUNTRY_CODE = re.compile(r"[A-Z]{3}")


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (newlines, tabs, non-breaking spaces) to one space."""
    return " ".join(text.split())


class AffiliationParts(NamedTuple):
    club: str | None
    division: str | None
    country: str | None


def split_affiliation(text: str, flag_country: str | None) -> AffiliationParts:
    """Split FTL's "club / division / country" affiliation, where every part is optional.

    A flag span names the country outright; without one, only a trailing 3-letter upper-case
    part after at least one other part is a country, because a lone code like "KESTRELAU" or "USA"
    in a club event is the club.
    """
    parts = [part.strip() for part in text.split("/") if part.strip()]
    country: str | None = None
    if flag_country is not None:
        country = flag_country
        if country in parts:
            # the flag's code is the last part ("ARAGVI / <flag> GEO"), so drop it from the end
            del parts[len(parts) - 1 - parts[::-1].index(country)]
    elif len(parts) >= 2 and _COUNTRY_CODE.fullmatch(parts[-1]):
        country = parts.pop()
    club = parts[0] if parts else None
    division = " / ".join(parts[1:]) or None
    return AffiliationParts(club=club, division=division, country=country)
