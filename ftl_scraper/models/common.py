"""What every output model shares: the strict base class, ID and country patterns, crawl errors."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ftl_scraper.site.ids import FTL_ID_PATTERN as _FTL_ID

#: a whole field holding one FTL ID, upper case
FTL_ID_PATTERN = rf"^{_FTL_ID}$"
COUNTRY_PATTERN = r"^[A-Z]{3}$"


class Contract(BaseModel):
    """Base for every output model: strict shape, no silent extras."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CrawlError(Contract):
    """One page that could not be fetched or read (partial mode only)."""

    kind: str = Field(description="Error class, e.g. 'HttpStatusError', 'PoolParseError'")
    pool_id: str | None = Field(pattern=FTL_ID_PATTERN)
    url: str
    message: str
