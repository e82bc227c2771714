"""One switch for the project's components and defaults, so a bare ``ADDONS`` entry gives the whole setup."""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from ftl_scraper.config import apply_project_defaults
from ftl_scraper.distributed.checks import is_shared_crawl
from ftl_scraper.fetching.cache import FtlHttpCacheMiddleware
from ftl_scraper.fetching.retry import BackoffRetryMiddleware
from ftl_scraper.output.feeds import JSON_LINES_FORMATS
from ftl_scraper.scrapy_internals import make_deprecated_aliases_cheap


class FtlAddon:
    """Installs the project defaults, the bundle pipeline, the FTL middlewares, the downloader,
    cache and feed pieces. A project, spider or command-line setting wins over every default."""

    def update_settings(self, settings: BaseSettings) -> None:
        apply_project_defaults(settings)
        # one bundle pipeline per spider; each turns itself off for the other spiders
        settings["ITEM_PIPELINES"]["ftl_scraper.pipelines.pools.PoolsBundlePipeline"] = 300
        settings["ITEM_PIPELINES"]["ftl_scraper.pipelines.event.EventBundlePipeline"] = 310
        settings["ITEM_PIPELINES"]["ftl_scraper.pipelines.tournament.TournamentEventPipeline"] = 320
        settings["ITEM_PIPELINES"]["ftl_scraper.pipelines.tableau.TableauBundlePipeline"] = 330
        # after the bundle: in a watch, each poll's bundle becomes the lines of what changed
        settings["ITEM_PIPELINES"]["ftl_scraper.watch.pipeline.WatchPipeline"] = 400
        self._install_downloader_and_cache(settings)
        self._install_middlewares(settings)
        self._install_feeds(settings)
        self._install_extensions(settings)
        self._install_shared_crawl(settings)

    @staticmethod
    def _install_downloader_and_cache(settings: BaseSettings) -> None:
        # before the download handlers are imported: see make_deprecated_aliases_cheap
        make_deprecated_aliases_cheap()
        # Scrapy 2.19's own downloader lets more than CONCURRENT_REQUESTS_PER_DOMAIN through
        settings.set("DOWNLOADER", "ftl_scraper.fetching.downloader.FtlDownloader", priority="addon")
        settings.set("HTTPCACHE_POLICY", "ftl_scraper.fetching.cache.FtlCachePolicy", priority="addon")
        settings.set(
            "HTTPCACHE_STORAGE", "ftl_scraper.fetching.cache.FtlFilesystemCacheStorage", priority="addon"
        )

    @staticmethod
    def _install_middlewares(settings: BaseSettings) -> None:
        # process_request runs from low to high numbers, process_response/_exception from high to low.
        middlewares = settings["DOWNLOADER_MIDDLEWARES"]
        # first of all: nothing but FTL_BASE_URL's host is ever contacted
        middlewares["ftl_scraper.fetching.host_guard.FtlHostOnlyMiddleware"] = 50
        # (off unless FTL_CASSETTE is set) right after the host guard and before all the rest:
        # a replayed request is answered before retry, login, cache or breaker can go out, and
        # a recording stores the response last, as the spider gets it (after retries, redirects)
        middlewares["ftl_scraper.cassette.middleware.CassetteMiddleware"] = 60
        # above RedirectMiddleware (600), so it sees the 302 to /account/login itself
        middlewares["ftl_scraper.login.login_wall.LoginWallMiddleware"] = 650
        # after the cache, so a run answered from the cache never logs in; its process_response
        # sees FTL's 302 to /account/login before LoginWall (650) and Redirect (600) do, so it
        # can log in (once) and re-send the request instead of failing it
        middlewares["ftl_scraper.login.middleware.FtlLoginMiddleware"] = 925
        # closest to the network: counts real attempts only (not cache hits), each retry included
        middlewares["ftl_scraper.fetching.circuit_breaker.CircuitBreakerMiddleware"] = 950
        # in Scrapy's own places (550, 900): Scrapy retries at once, with no backoff and no
        # Retry-After (scrapy/scrapy#802, #3849); a forced refresh must not fall back to the
        # stale cached copy on a download error
        _replace_builtin(settings, "DOWNLOADER_MIDDLEWARES", RetryMiddleware, BackoffRetryMiddleware)
        _replace_builtin(settings, "DOWNLOADER_MIDDLEWARES", HttpCacheMiddleware, FtlHttpCacheMiddleware)

    @staticmethod
    def _install_feeds(settings: BaseSettings) -> None:
        # output files are written whole or not at all; a watch's lines are appended as they come
        settings["FEED_STORAGES"]["file"] = "ftl_scraper.output.change_stream.FtlFileFeedStorage"
        settings["FEED_STORAGES"][""] = "ftl_scraper.output.change_stream.FtlFileFeedStorage"
        # stdout (-O -) gets a bundle in one go at the end (a watch's lines as they come), and a
        # closed pipe is one error line
        settings["FEED_STORAGES"]["stdout"] = "ftl_scraper.output.change_stream.FtlStdoutFeedStorage"
        settings["FEED_EXPORTERS"]["json"] = "ftl_scraper.output.exporters.IndentedJsonItemExporter"
        for line_format in JSON_LINES_FORMATS:
            settings["FEED_EXPORTERS"][line_format] = "ftl_scraper.output.change_stream.ChangeLinesExporter"

    @staticmethod
    def _install_extensions(settings: BaseSettings) -> None:
        # one summary line at the end; `scrapy crawl` also quiets Scrapy's startup and stats
        # output (the commands own the process's logging, an application using the addon or
        # FtlClient keeps its own)
        settings["EXTENSIONS"]["ftl_scraper.output.summary.CrawlSummary"] = 0
        # event and tournament crawls: events done / found on stderr as they go (FTL_PROGRESS)
        settings["EXTENSIONS"]["ftl_scraper.output.progress.CrawlProgress"] = 0
        # Scrapy imports each EXTENSIONS_BASE module and only then learns the extension is off
        # (NotConfigured); RemoteControl's module imports aiohttp.web: ~130 ms of every start.
        # An EXTENSIONS entry set to None would not help: Scrapy imports it to match the key.
        for extension, switch in (
            ("scrapy.extensions.remote_control.RemoteControl", "REMOTE_CONTROL_ENABLED"),
            ("scrapy.extensions.telnet.TelnetConsole", "TELNETCONSOLE_ENABLED"),
        ):
            if not settings.getbool(switch):
                settings["EXTENSIONS_BASE"].pop(extension, None)

    @staticmethod
    def _install_shared_crawl(settings: BaseSettings) -> None:
        # FTL_SCHEDULER=redis: several workers share one crawl through REDIS_URL (distributed/);
        # only then, as it needs the optional redis extra
        if not is_shared_crawl(settings):
            return
        scheduler = "ftl_scraper.distributed.scheduler.RedisUnitScheduler"
        settings.set("SCHEDULER", scheduler, priority="addon")
        # closest to the network, so a cache hit takes no slot of the shared cap
        settings["DOWNLOADER_MIDDLEWARES"]["ftl_scraper.distributed.host_slots.SharedHostCapMiddleware"] = 960


def _replace_builtin(settings: BaseSettings, setting: str, builtin: type, replacement: type) -> None:
    """Put ``replacement`` where ``builtin`` runs (the user's place for it, else Scrapy's) and turn
    ``builtin`` off; a user who set ``builtin`` to None gets neither, as they asked.

    Done by hand: Scrapy's ``replace_in_component_priority_dict`` only edits ``setting`` itself,
    and a built-in lives in ``<setting>_BASE`` under its import path, which a class key set to
    None would not turn off (Scrapy merges the two dicts by key, not by the object it names).
    """
    components = settings[setting]
    base = settings[f"{setting}_BASE"]
    user_keys = [key for key in components if load_object(key) is builtin]
    base_keys = [key for key in base if load_object(key) is builtin]
    if any(components[key] is None for key in user_keys):
        return
    position = components[user_keys[0]] if user_keys else base[base_keys[0]]
    for key in (*user_keys, *base_keys):
        components[key] = None
    components[replacement] = position
