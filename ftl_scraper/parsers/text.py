"""Small text helpers shared by the FTL parsers: whitespace, node and element text, flags, affiliations."""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree
from parsel import Selector, SelectorList

_COUNTRY_CODE = re.compile(r"[A-Z]{3}")
# FTL's flag spans: <span class='flag flagGEO'></span>
_FLAG_COUNTRY = re.compile(r"flag(?P<country>[A-Za-z]{3})")


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (newlines, tabs, non-breaking spaces) to one space."""
    return " ".join(text.split())


def first_text(nodes: SelectorList[Selector]) -> str | None:
    """The first node's text, whitespace-normalised; None when there is no node or no text."""
    if not nodes:
        return None
    return element_text(nodes[0].root) or None


def element_text(element: etree._Element) -> str:
    """Every text node under ``element``, whitespace-normalised."""
    # the text nodes xpath(".//text()") finds, joined in C: ~8x quicker than "".join(itertext())
    return normalize_whitespace(etree.tostring(element, method="text", encoding=str, with_tail=False))


def flag_country(element: etree._Element) -> str | None:
    """The country code of the first FTL flag span (``span.flagGEO``) under ``element``, if any."""
    for span in element.iter("span"):
        css_classes = span.get("class")
        # most spans are no flag: a substring test spares them the split and the regex
        if css_classes is None or "flag" not in css_classes:
            continue
        for css_class in css_classes.split():
            if match := _FLAG_COUNTRY.fullmatch(css_class):
                return match["country"].upper()
    return None


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
