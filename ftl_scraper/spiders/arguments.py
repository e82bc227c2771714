"""The spiders' arguments, validated and documented in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.site.urls import ids_from_pools_url, normalize_ftl_id


class SpiderArguments(BaseModel):
    """Base of every spider's argument model; a spider names its own as ``arguments_model``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Self:
        """Validate spider keywords, raising one readable line on the first problem."""
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            first = error.errors()[0]
            name = ".".join(str(part) for part in first["loc"]) or "arguments"
            if first["type"] == "extra_forbidden":
                known = ", ".join(cls.model_fields)
                message = f"unknown spider argument {name!r} (known: {known})"
            elif first["loc"]:
                message = f"spider argument {name!r}: {first['msg']}"
            else:
                message = first["msg"].removeprefix("Value error, ")
            raise InvalidArgumentError(message) from None


class WatchArguments(SpiderArguments):
    """The ``-a`` arguments of a watch, for every spider that can follow its bundle live."""

    watch: int | None = Field(
        None, ge=15, description="Poll every this many seconds (15 or more) and write each change as a line"
    )
    fencers: str | None = Field(
        None, description="With watch: keep only changes involving these fencers ('SURNAME Given;...')"
    )
    snapshot: str | None = Field(
        None, description="With watch: keep the latest full bundle in this file, replaced after each poll"
    )

    @model_validator(mode="after")
    def _check_watch_options(self) -> Self:
        if self.watch is None:
            for name in ("fencers", "snapshot"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name}= only applies to a watch: add watch=<seconds>")
            return self
        if getattr(self, "partial", False):
            raise ValueError("partial=1 does not apply to a watch: a failed page is read again next poll")
        if self.fencers is not None and not self.fencers.replace(";", "").strip():
            raise ValueError("fencers= names no fencer: give e.g. fencers='SURNAME Given;OTHER Name'")
        if self.snapshot is not None and not Path(self.snapshot).expanduser().absolute().parent.is_dir():
            raise ValueError(f"snapshot={self.snapshot!r}: its folder does not exist")
        return self


class PoolsArguments(WatchArguments):
    """``-a`` arguments of ``scrapy crawl pools`` (also the keywords of the spider class)."""

    event: str | None = Field(None, description="FTL event ID (32 hex characters)")
    round: str | None = Field(None, description="FTL pool-round ID (32 hex characters)")
    url: str | None = Field(None, description="Any FTL pools URL carrying both IDs")
    force_refresh: bool = Field(False, description="Bypass the HTTP cache and overwrite it")
    partial: bool = Field(False, description="Keep going past failed pages; report them")

    _event_id: str = PrivateAttr()
    _pool_round_id: str = PrivateAttr()

    @model_validator(mode="after")
    def _resolve_ids(self) -> PoolsArguments:
        # resolved here, so a malformed ID fails before any request is made
        if self.event is not None and self.round is not None:
            self._event_id = normalize_ftl_id(self.event, "event")
            self._pool_round_id = normalize_ftl_id(self.round, "round")
        elif self.url is not None:
            self._event_id, self._pool_round_id = ids_from_pools_url(self.url)
        else:
            raise ValueError("give both event=<eventID> and round=<poolRoundID>, or url=<pools URL>")
        return self

    @property
    def event_id(self) -> str:
        return self._event_id

    @property
    def pool_round_id(self) -> str:
        return self._pool_round_id
