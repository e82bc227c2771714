"""One switch for the project's components, so a bare ``ADDONS`` entry gives the whole setup."""

from __future__ import annotations

from scrapy.settings import BaseSettings


class FtlAddon:
    """Installs the bundle pipeline, the FTL middlewares, the cache policy and atomic feeds."""

    def update_settings(self, settings: BaseSettings) -> None:
        settings["ITEM_PIPELINES"]["ftl_scraper.pipelines.PoolsBundlePipeline"] = 300
        settings["DOWNLOADER_MIDDLEWARES"]["ftl_scraper.middlewares.host_guard.FtlHostOnlyMiddleware"] = 50
        settings["FEED_STORAGES"]["file"] = "ftl_scraper.feedstorage.AtomicFileFeedStorage"
        settings["FEED_STORAGES"][""] = "ftl_scraper.feedstorage.AtomicFileFeedStorage"
        settings.set("HTTPCACHE_POLICY", "ftl_scraper.cache.FtlCachePolicy", priority="addon")
        settings.set(
            "HTTPCACHE_STORAGE",
            "ftl_scraper.cache.ScrubbedFilesystemCacheStorage",
            priority="addon",
        )
        self._make_domain_cap_hold(settings)

    @staticmethod
    def _make_domain_cap_hold(settings: BaseSettings) -> None:
        # Scrapy 2.19 does not enforce CONCURRENT_REQUESTS_PER_DOMAIN while DOWNLOAD_DELAY is 0
        # (the downloader starts each transfer in a task and reads a stale in-flight count).
        # The global CONCURRENT_REQUESTS cap is enforced, and this crawl talks to one host
        # only, so the global cap is set to the per-domain one.
        per_domain = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        if per_domain > 0 and settings.getint("CONCURRENT_REQUESTS") > per_domain:
            priority = max(
                settings.getpriority("CONCURRENT_REQUESTS") or 0,
                settings.getpriority("CONCURRENT_REQUESTS_PER_DOMAIN") or 0,
            )
            settings.set("CONCURRENT_REQUESTS", per_domain, priority=priority)
