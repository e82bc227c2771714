"""``scrapy crawl`` that exits non-zero when the crawl failed, with the cause on one line."""

from __future__ import annotations

import argparse
import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from ftl_scraper.config import check_settings, with_project_defaults
from ftl_scraper.distributed.checks import check_shared_crawl_settings, is_shared_crawl
from ftl_scraper.errors import FtlError, InvalidArgumentError
from ftl_scraper.output.change_stream import check_watch_feeds
from ftl_scraper.output.summary import is_debug_run, quiet_scrapy_chatter
from ftl_scraper.run.outcome import CrawlOutcome, ExitStatus, crawl_outcome
from ftl_scraper.spiders.arguments import SpiderArguments

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    """Scrapy's crawl exits 0 whatever happened to the crawl (scrapy/scrapy#1231); this one
    exits 0 on success, 1 on failure, 2 on bad arguments and 3 for a partial bundle."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not is_debug_run(self.settings):
            # Scrapy's CrawlerProcess logs its version table as it starts, before any addon or
            # logger level can step in; the table is for bug reports, which `-L DEBUG` gives
            self.settings.set("LOG_VERSIONS", [], priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. 'scrapy crawl pools'")
        assert self.crawler_process is not None
        assert self.settings is not None
        # now that the crawler process has configured logging, and before Scrapy lists its
        # addons and components
        quiet_scrapy_chatter(self.settings)
        spider_name = args[0]
        spider_loader = self.crawler_process.spider_loader
        try:
            spider_class = spider_loader.load(spider_name)
        except KeyError:
            known = ", ".join(sorted(spider_loader.list()))
            error = FtlError(f"unknown spider {spider_name!r} (known: {known})")
            self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
            return
        # checked up front, so bad arguments exit 2 before the crawl starts, for every spider
        arguments_model: type[SpiderArguments] | None = getattr(spider_class, "arguments_model", None)
        if arguments_model is not None:
            try:
                base_url = with_project_defaults(self.settings).get("FTL_BASE_URL")
                arguments = arguments_model.parse(opts.spargs)
                arguments.check_host(base_url)
                if getattr(arguments, "watch", None) is not None:
                    check_watch_feeds(self.settings)
                    if is_shared_crawl(self.settings):
                        # a shared crawl ends once its units are done; a watch polls one round on
                        raise InvalidArgumentError(
                            "watch= follows one round in one process: "
                            "it cannot be shared (FTL_SCHEDULER=redis)"
                        )
            except FtlError as error:
                self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
                return
        try:
            # before the crawl: a bad setting makes no request and leaves any output file alone
            check_settings(self.settings)
            check_shared_crawl_settings(self.settings)
        except FtlError as error:
            self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
            return
        crawler = self._create_crawler(spider_class)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self._finish(CrawlOutcome(ExitStatus.FAILED, [FtlError("the crawl could not start")]))
            return
        self._finish(crawl_outcome(crawler))

    def _finish(self, outcome: CrawlOutcome) -> None:
        assert self.settings is not None
        report_path = self.settings.get("FTL_OUTCOME_FILE")
        if report_path:
            outcome.write(report_path)
        if outcome.status is ExitStatus.PARTIAL:
            line = f"ftl_scraper: partial bundle written: {outcome.headline}"
        elif outcome.status is not ExitStatus.OK:
            line = f"ftl_scraper: error: {outcome.headline}"
        else:
            line = ""
        if line:
            print(line, file=sys.stderr)
            if self.settings.get("LOG_FILE"):
                # a service (Scrapyd) keeps stderr apart from the job's log file and ignores the
                # exit status: the verdict goes into the job's log too, even for a refused argument
                level = logging.WARNING if outcome.status is ExitStatus.PARTIAL else logging.ERROR
                logger.log(level, "%s (exit status %d)", line, int(outcome.status))
        self.exitcode = int(outcome.status)
