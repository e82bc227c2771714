"""The spiders' arguments, validated and documented in one place, sharing ID and URL handling."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.site.urls import (
    check_url_host,
    ids_from_pools_url,
    ids_from_tableau_url,
    link_for_spider,
    normalize_ftl_id,
)

#: Scrapyd adds arguments of its own to every job (``_job``, and ``_version`` on older releases);
#: the ``_`` prefix is reserved for such service arguments, so no spider argument may use it.
SERVICE_ARGUMENT_PREFIX = "_"


class SpiderArguments(BaseModel):
    """Base of every spider's argument model; a spider names its own as ``arguments_model``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_service_arguments(cls, raw: Any) -> Any:
        # Scrapyd's `_job` is about the job, not the crawl: accepted on top of the spider's own
        # arguments and otherwise ignored, while any other unknown name is still refused
        if isinstance(raw, dict):
            return {
                name: value
                for name, value in raw.items()
                if not str(name).startswith(SERVICE_ARGUMENT_PREFIX) or name in cls.model_fields
            }
        return raw

    def check_host(self, base_url: str) -> None:
        """Refuse a ``url`` argument of another site than FTL_BASE_URL's, before any request."""
        url = getattr(self, "url", None)
        if url is not None:
            check_url_host(url, base_url)

    @classmethod
    def parse(cls, raw: dict[str, Any], *, base_url: str | None = None) -> Self:
        """Validate spider keywords, raising one readable line on the first problem.

        With ``base_url`` (FTL_BASE_URL), a ``url`` argument on another host is refused too.
        """
        try:
            arguments = cls.model_validate(raw)
        except ValidationError as error:
            first = error.errors()[0]
            name = ".".join(str(part) for part in first["loc"]) or "arguments"
            if first["type"] == "extra_forbidden":
                # the spider's own arguments first (its IDs), then those it shares (a watch's)
                own = inspect.get_annotations(cls)
                names = sorted(cls.model_fields, key=lambda field_name: field_name not in own)
                known = ", ".join(names)
                message = f"unknown spider argument {name!r} (known: {known})"
            elif first["loc"]:
                message = f"spider argument {name!r}: {first['msg']}"
            else:
                message = first["msg"].removeprefix("Value error, ")
            raise InvalidArgumentError(message) from None
        if base_url is not None:
            arguments.check_host(base_url)
        return arguments


def _check_agreement(*ids: tuple[str, str | None, str]) -> None:
    """Refuse an ID argument given beside ``url`` that names another page than the url does."""
    for name, given, from_url in ids:
        if given is not None and normalize_ftl_id(given, name) != from_url:
            names = " and ".join(name for name, _, _ in ids)
            raise InvalidArgumentError(
                f"url carries {name} {from_url} but {name}= gives {normalize_ftl_id(given, name)}: "
                f"give the url alone, or {names}"
            )


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
    url: str | None = Field(None, description="Instead of both: an FTL pools URL on FTL_BASE_URL's host")
    force_refresh: bool = Field(False, description="Bypass the HTTP cache and overwrite it")
    partial: bool = Field(False, description="Keep going past failed pages; report them")

    _event_id: str = PrivateAttr()
    _pool_round_id: str = PrivateAttr()

    @model_validator(mode="after")
    def _resolve_ids(self) -> PoolsArguments:
        # resolved here, so a malformed ID, URL or conflict fails before any request is made
        if self.url is not None:
            self._event_id, self._pool_round_id = ids_from_pools_url(self.url)
            _check_agreement(
                ("event", self.event, self._event_id), ("round", self.round, self._pool_round_id)
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


class EventArguments(WatchArguments):
    """``-a`` arguments of ``scrapy crawl event``: ``event``, or ``url`` of any page of the event."""

    event: str | None = Field(None, description="FTL event ID (32 hex characters)")
    url: str | None = Field(None, description="Any FTL URL of the event: its pages, pools or tableau")
    force_refresh: bool = Field(False, description="Bypass the HTTP cache and overwrite it")

    _event_id: str = PrivateAttr()

    @model_validator(mode="after")
    def _resolve_event(self) -> EventArguments:
        if self.url is not None:
            link = link_for_spider(self.url, "event", ("event", "pool_round", "tableau"))
            assert link.event_id is not None
            self._event_id = link.event_id
            _check_agreement(("event", self.event, self._event_id))
        elif self.event is not None:
            self._event_id = normalize_ftl_id(self.event, "event")
        else:
            raise ValueError("give event=<eventID>, or url=<any FTL URL of the event>")
        return self

    @property
    def event_id(self) -> str:
        return self._event_id


class TableauArguments(WatchArguments):
    """``-a`` arguments of ``scrapy crawl tableau`` (also the keywords of the spider class)."""

    event: str | None = Field(None, description="FTL event ID (32 hex characters)")
    tableau: str | None = Field(None, description="FTL tableau (DE round) ID (32 hex characters)")
    url: str | None = Field(None, description="Any FTL tableau URL carrying both IDs")
    force_refresh: bool = Field(False, description="Bypass the HTTP cache and overwrite it")
    partial: bool = Field(False, description="Keep going past failed pages; report them")

    _event_id: str = PrivateAttr()
    _tableau_id: str = PrivateAttr()

    @model_validator(mode="after")
    def _resolve_ids(self) -> TableauArguments:
        # resolved here, so a malformed ID fails before any request is made
        if self.url is not None:
            self._event_id, self._tableau_id = ids_from_tableau_url(self.url)
            _check_agreement(
                ("event", self.event, self._event_id), ("tableau", self.tableau, self._tableau_id)
            )
        elif self.event is not None and self.tableau is not None:
            self._event_id = normalize_ftl_id(self.event, "event")
            self._tableau_id = normalize_ftl_id(self.tableau, "tableau")
        else:
            raise ValueError("give both event=<eventID> and tableau=<tableauID>, or url=<tableau URL>")
        return self

    @property
    def event_id(self) -> str:
        return self._event_id

    @property
    def tableau_id(self) -> str:
        return self._tableau_id


class TournamentArguments(SpiderArguments):
    """``-a`` arguments of ``scrapy crawl tournament``: a tournament ID, or the URL of its
    schedule or of any event in it; ``events`` keeps only events whose name matches."""

    tournament: str | None = Field(None, description="FTL tournament ID (32 hex characters)")
    url: str | None = Field(None, description="The schedule's URL, or any FTL URL of an event in it")
    events: str | None = Field(
        None, description="Regular expression: keep the events whose name it matches (any case)"
    )
    force_refresh: bool = Field(False, description="Bypass the HTTP cache and overwrite it")

    _tournament_id: str | None = PrivateAttr(None)
    _event_id: str | None = PrivateAttr(None)
    _name_filter: re.Pattern[str] | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _resolve_tournament(self) -> TournamentArguments:
        if self.url is not None:
            link = link_for_spider(self.url, "tournament", ("tournament", "event", "pool_round", "tableau"))
            # an event's URL leads to its tournament through the event page's Schedule tab
            self._tournament_id, self._event_id = link.tournament_id, link.event_id
            if self.tournament is not None and link.tournament_id is None:
                raise InvalidArgumentError(
                    "url names an event, whose page says which tournament it is in, and tournament= "
                    "names one too: give the url alone, or tournament"
                )
            if link.tournament_id is not None:
                _check_agreement(("tournament", self.tournament, link.tournament_id))
        elif self.tournament is not None:
            self._tournament_id = normalize_ftl_id(self.tournament, "tournament")
        else:
            raise ValueError("give tournament=<tournamentID>, or url=<schedule URL or URL of an event in it>")
        if self.events is not None:
            try:
                self._name_filter = re.compile(self.events, re.IGNORECASE)
            except re.error as error:
                raise InvalidArgumentError(
                    f"events is not a regular expression ({error}): {self.events!r}"
                ) from None
        return self

    @property
    def tournament_id(self) -> str | None:
        """Known up front unless the URL was an event's."""
        return self._tournament_id

    @property
    def event_id(self) -> str | None:
        """The event whose page names the tournament, when the URL was an event's."""
        return self._event_id

    def wants_event(self, event_name: str) -> bool:
        return self._name_filter is None or self._name_filter.search(event_name) is not None


#: each spider's ``arguments_model`` by spider name, for the ``crawl`` command's help, which Scrapy
#: builds on every run: listing them from here does not import every spider
ARGUMENTS_BY_SPIDER: dict[str, type[SpiderArguments]] = {
    "pools": PoolsArguments,
    "tableau": TableauArguments,
    "event": EventArguments,
    "tournament": TournamentArguments,
}
