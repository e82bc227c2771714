"""Record the crawl's FTL responses into a cassette, or answer every request from one (no network)."""

from __future__ import annotations

import enum
import logging
from pathlib import Path
from typing import Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from ftl_scraper.cassette.format import (
    INDEX_FILE,
    Cassette,
    interaction_from_response,
    recordable,
    request_key,
    resolve_cassette_folder,
    shipped_cassettes,
)
from ftl_scraper.distributed.units import is_unit_opener
from ftl_scraper.errors import CassetteMissError, InvalidArgumentError

logger = logging.getLogger(__name__)

#: set on every response served from a cassette (``response.flags``)
CASSETTE_FLAG = "cassette"


class CassetteMode(enum.StrEnum):
    """``FTL_CASSETTE_MODE``, after betamax's record modes."""

    REPLAY = "replay"  # betamax "none": answer from the cassette, fail on a miss, never go out
    RECORD = "record"  # betamax "all": fetch everything, the cassette is replaced at the end
    NEW_EPISODES = "new_episodes"  # answer what is recorded, fetch and add what is not
    ONCE = "once"  # record if the cassette does not exist yet, replay if it does

    @classmethod
    def parse(cls, value: object) -> CassetteMode:
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            choices = ", ".join(mode.value for mode in cls)
            raise InvalidArgumentError(f"FTL_CASSETTE_MODE must be one of {choices}; got {value!r}") from None


class CassetteMiddleware:
    """Betamax for Scrapy: ``FTL_CASSETTE`` (a folder, or ``demo``) and ``FTL_CASSETTE_MODE``.

    Installed at 60 by the addon, just after the host guard and before everything else, so:

    - in replay, ``process_request`` answers before retry, login, the HTTP cache or the circuit
      breaker ever see the request: nothing can reach the network, and a retry of a recorded
      503 is answered from the cassette too;
    - in record, ``process_response`` runs last, so it stores what the spider will get: after
      retries (a 503 that was retried is not kept), decompression and redirects.

    Every request it handles gets ``dont_cache``: the HTTP cache neither answers a recording
    (it must come from FTL) nor stores a replayed page (a cassette is already a cache, and one
    that never expires: it reads no file times and no clock).
    """

    def __init__(self, crawler: Crawler, cassette: Cassette, mode: CassetteMode, source: str = "") -> None:
        self.crawler = crawler
        #: FTL_CASSETTE as given (a folder, or a shipped cassette's name)
        self.source = source or str(cassette.folder)
        self.cassette = cassette
        self.mode = mode
        self.recorded = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        value = crawler.settings.get("FTL_CASSETTE")
        if not value:
            raise NotConfigured  # without a message: Scrapy would log it as a warning on every run
        mode = CassetteMode.parse(crawler.settings.get("FTL_CASSETTE_MODE") or CassetteMode.REPLAY)
        recording = mode is not CassetteMode.REPLAY
        folder = resolve_cassette_folder(str(value), recording=recording)
        if mode is CassetteMode.ONCE:
            exists = (folder / INDEX_FILE).is_file()
            mode = CassetteMode.REPLAY if exists else CassetteMode.RECORD
        cassette = Cassette.load(folder)
        if mode is CassetteMode.RECORD:
            # a fresh recording: keep only the file list, so the old bodies get removed on save
            cassette = Cassette(folder, loaded_files=cassette.loaded_files)
        middleware = cls(crawler, cassette, mode, str(value))
        if mode is not CassetteMode.REPLAY:
            crawler.signals.connect(middleware.save, signal=signals.spider_closed)
        logger.info("Cassette %s: %s (%d recorded responses)", mode.value, folder, len(cassette))
        return middleware

    def process_request(self, request: Request) -> Response | None:
        if is_unit_opener(request):
            return None
        request.meta["dont_cache"] = True
        if self.mode is CassetteMode.RECORD:
            return None
        interaction = self.cassette.find(request.method, request.url)
        if interaction is not None:
            self.crawler.stats.inc_value("ftl/cassette/hit")
            headers = Headers(interaction.headers)
            response_class = responsetypes.from_args(headers=headers, url=request.url, body=interaction.body)
            return response_class(
                url=request.url,
                status=interaction.status,
                headers=headers,
                body=interaction.body,
                flags=[CASSETTE_FLAG],
                request=request,
            )
        if self.mode is CassetteMode.NEW_EPISODES:
            return None
        self.crawler.stats.inc_value("ftl/cassette/miss")
        method, path = request_key(request.method, request.url)
        raise CassetteMissError(
            f"{method} {path} is not in the cassette {self.cassette.folder}{self._miss_hint()}",
            url=request.url,
        )

    def process_response(self, request: Request, response: Response) -> Response:
        if self.mode is CassetteMode.REPLAY or CASSETTE_FLAG in response.flags or is_unit_opener(request):
            return response
        # after a redirect, file the final page under the URL the spider asked for
        asked_for = request.meta.get("redirect_urls", [request.url])[0]
        headers = {
            name.decode("latin-1"): b", ".join(values).decode("latin-1")
            for name, values in response.headers.items()
        }
        if recordable(request.method, asked_for, headers, response.body):
            interaction = interaction_from_response(
                request.method, asked_for, response.status, headers, response.body
            )
            self.cassette.add(interaction)
            self.recorded += 1
            self.crawler.stats.inc_value("ftl/cassette/recorded")
        return response

    def save(self, spider: Spider, reason: str) -> None:
        """Write the cassette once the crawl is over, if it succeeded: a recording is a whole
        crawl's pages or nothing, so a failed or interrupted one leaves the previous cassette as it was."""
        failures = len(getattr(spider, "errors", []))
        if reason != "finished" or failures:
            why = f"{failures} failed page{'s' * (failures != 1)}" if failures else f"stopped: {reason}"
            logger.warning(
                "Recording not saved (the crawl did not succeed, %s); the cassette at %s is unchanged",
                why,
                self.cassette.folder,
            )
            return
        self.cassette.save()
        logger.info(
            "Cassette saved: %s (%d responses, %d new)",
            self.cassette.folder,
            len(self.cassette),
            self.recorded,
        )

    def _miss_hint(self) -> str:
        if (self.cassette.folder / INDEX_FILE).is_file():
            # a shipped name replays from the package but records into a folder of that name here
            # recording always resolves to a folder on disk (never the package's)
            target = Path(str(resolve_cassette_folder(self.source, recording=True))).resolve()
            current = self.cassette.folder
            same = isinstance(current, Path) and target == current.resolve()
            where = "add it to this cassette" if same else f"record into {target}"
            return (
                "; replay never goes to the network "
                f"(-s FTL_CASSETTE_MODE=new_episodes would fetch it from FTL and {where})"
            )
        shipped = ", ".join(shipped_cassettes()) or "none"
        return f" (there is no {INDEX_FILE} there; cassettes shipped with ftl_scraper: {shipped})"
