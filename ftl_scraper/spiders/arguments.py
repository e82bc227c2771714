"""The spiders' arguments, validated and documented in one place."""

from __future__ import annotations

from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.site.urls import ids_from_pools_url, normalize_ftl_id


class SpiderArguments(BaseModel):
    """Base of every spider's argument model; a spider names its own as ``arguments_model``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def parse(cls, raw: dict[str, Any], *, base_url: str | None = None) -> Self:
        """Validate spider keywords, raising one readable line on the first problem.

        With ``base_url`` (FTL_BASE_URL), a ``url`` argument on another host is refused too.
        """
        try:
            return cls.model_validate(raw, context={"base_url": base_url})
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


class PoolsArguments(SpiderArguments):
    """``-a`` arguments of ``scrapy crawl pools`` (also the keywords of the spider class)."""

    event: str | None = Field(None, description="FTL event ID (32 hex characters)")
    round: str | None = Field(None, description="FTL pool-round ID (32 hex characters)")
    url: str | None = Field(None, description="Instead of both: an FTL pools URL on FTL_BASE_URL's host")
    force_refresh: bool = Field(False, description="Bypass the HTTP cache and overwrite it")
    partial: bool = Field(False, description="Keep going past failed pages; report them")

    _event_id: str = PrivateAttr()
    _pool_round_id: str = PrivateAttr()

    @model_validator(mode="after")
    def _resolve_ids(self, info: ValidationInfo) -> PoolsArguments:
        # resolved here, so a malformed ID, URL or conflict fails before any request is made
        if self.url is not None:
            base_url = (info.context or {}).get("base_url")
            self._event_id, self._pool_round_id = ids_from_pools_url(self.url, base_url=base_url)
            for name, given, from_url in (
                ("event", self.event, self._event_id),
                ("round", self.round, self._pool_round_id),
            ):
                if given is not None and normalize_ftl_id(given, name) != from_url:
                    raise InvalidArgumentError(
                        f"url carries {name} {from_url} but {name}= gives {normalize_ftl_id(given, name)}: "
                        "give the url alone, or event and round"
                    )
        elif self.event is not None and self.round is not None:
            self._event_id = normalize_ftl_id(self.event, "event")
            self._pool_round_id = normalize_ftl_id(self.round, "round")
        else:
            raise ValueError("give both event=<eventID> and round=<poolRoundID>, or url=<pools URL>")
        return self

    @property
    def event_id(self) -> str:
        return self._event_id

    @property
    def pool_round_id(self) -> str:
        return self._pool_round_id
