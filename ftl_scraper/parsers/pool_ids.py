"""Read the pool IDs of one pool round, in pool order, from the pools page /pools/scores/{e}/{r}."""

from __future__ import annotations

import re

from parsel import Selector

from ftl_scraper.errors import LoginRequiredError, PoolIdsParseError
from ftl_scraper.site.ids import FTL_ID, FTL_ID_ANY_CASE
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE, is_login_page

NO_POOL_IDS_MESSAGE = "no pool IDs on the pools page: not published yet, or not a pools page"

# `var ids = [ ... ];` — the page script's own list; `[^\]]*` keeps the match inside the array.
_IDS_ARRAY = re.compile(r"\b(?:var|let|const)\s+ids\s*=\s*\[(?P<body>[^\]]*)\]")
_QUOTED_TOKEN = re.compile(r"""^(?P<quote>["'])(?P<value>.*)(?P=quote)$""", re.DOTALL)
_PLACEHOLDER_ID = re.compile(rf"pool_(?P<pool_id>{FTL_ID_ANY_CASE})")


def parse_pool_ids(html: str) -> list[str]:
    """Return the round's pool IDs upper-cased, in page order, each once.

    The inline ``ids`` array is the page's own source; the ``<div id="pool_{ID}">``
    placeholders are the fallback when the script is missing or empty.
    """
    if is_login_page(html):
        raise LoginRequiredError(LOGIN_REQUIRED_MESSAGE)
    pool_ids = _ids_from_script(html) or _ids_from_placeholders(html)
    if not pool_ids:
        raise PoolIdsParseError(NO_POOL_IDS_MESSAGE)
    return _unique(pool_ids)


def _ids_from_script(html: str) -> list[str]:
    match = _IDS_ARRAY.search(html)
    if match is None:
        return []
    tokens = [token.strip() for token in match["body"].split(",")]
    # empty tokens come from a trailing comma or an empty array
    return [_pool_id_from_token(token) for token in tokens if token]


def _pool_id_from_token(token: str) -> str:
    quoted = _QUOTED_TOKEN.match(token)
    value = quoted["value"].strip() if quoted else token
    if not FTL_ID.fullmatch(value):
        raise PoolIdsParseError(f"pools page: ids array element {value!r} is not a 32-character hex pool ID")
    return value.upper()


def _ids_from_placeholders(html: str) -> list[str]:
    div_ids = Selector(text=html, type="html").xpath("//div[starts-with(@id, 'pool_')]/@id").getall()
    # other page divs may share the prefix; only pool_{32 hex} is a pool placeholder
    matches = (_PLACEHOLDER_ID.fullmatch(div_id.strip()) for div_id in div_ids)
    return [match["pool_id"].upper() for match in matches if match]


def _unique(pool_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(pool_ids))
