"""``scrapy crawl`` that exits non-zero when the crawl failed, with the cause on one line."""

from __future__ import annotations

import argparse
import gc
import logging
import shutil
import sys
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyHelpFormatter
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from ftl_scraper.config import check_settings
from ftl_scraper.distributed.checks import check_shared_crawl_settings, is_shared_crawl
from ftl_scraper.errors import FtlError, InvalidArgumentError
from ftl_scraper.output.change_stream import check_watch_feeds
from ftl_scraper.output.feeds import STDOUT_URI, check_feeds, normalize_cli_outputs
from ftl_scraper.output.summary import is_debug_run, quiet_scrapy_chatter
from ftl_scraper.run.interrupt import StopOnSignal, stop_when_stdin_closes
from ftl_scraper.run.outcome import CrawlOutcome, ExitStatus, crawl_outcome, interrupted_outcome
from ftl_scraper.site.urls import DEFAULT_BASE_URL
from ftl_scraper.spiders.arguments import ARGUMENTS_BY_SPIDER, SpiderArguments

_EXIT_MEANINGS = {
    ExitStatus.OK: "every bundle was written, complete (a watch: stopped, or what it follows is over)",
    ExitStatus.FAILED: "the crawl failed, was stopped (Ctrl-C, SIGTERM) or its output could not be stored",
    ExitStatus.USAGE: "a bad argument, setting or output; nothing requested",
    ExitStatus.PARTIAL: "every bundle was written, some with complete: false (pools, tableau: partial=1)",
}


class _KeepLineBreaks(ScrapyHelpFormatter):
    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "".join(indent + line for line in text.splitlines(keepends=True))


if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    """Scrapy's crawl exits 0 whatever happened to the crawl (scrapy/scrapy#1231); this one
    exits 0 on success, 1 on failure, 2 on bad arguments and 3 for a partial bundle."""

    #: the exit-3 line's words, as the spider being run puts them (``FtlSpider.incomplete_output``)
    _incomplete_output = "partial bundle written"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = _KeepLineBreaks  # the description below is laid out in lines

    def long_desc(self) -> str:
        sections = []
        for spider_name, arguments_model in ARGUMENTS_BY_SPIDER.items():
            arguments = "\n".join(
                f"  -a {name}=...{' ' * (14 - len(name))}{field.description}"
                for name, field in arguments_model.model_fields.items()
            )
            sections.append(f"Arguments of the {spider_name} spider:\n{arguments}\n\n")
        statuses = "\n".join(f"  {int(status)}  {_EXIT_MEANINGS[status]}" for status in ExitStatus)
        return (
            "Run a spider of this project (pools, tableau, event, tournament) and exit with a status "
            "that says how it went.\n\n"
            f"{''.join(sections)}"
            "Output (json or jsonlines):\n"
            "  -O FILE.json     replaces FILE, whole, once the crawl succeeded (.jsonl: a line per bundle)\n"
            "  -o FILE.jsonl    appends each bundle as one more line (a watch: each change line)\n"
            "  -O -             writes to standard output, as does a crawl without -O or -o\n\n"
            f"Exit status:\n{statuses}"
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        opts.output = normalize_cli_outputs(opts.output)
        opts.overwrite_output = normalize_cli_outputs(opts.overwrite_output)
        assert self.settings is not None
        super().process_options(args, opts)
        if not self.settings.getdict("FEEDS"):
            # no output given: the bundle goes to stdout (a watch's change lines, as JSON lines)
            output_format = "jsonlines" if "watch" in opts.spargs else "json"
            self.settings.set("FEEDS", {STDOUT_URI: {"format": output_format}}, priority="cmdline")
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
            self._incomplete_output = getattr(spider_class, "incomplete_output", self._incomplete_output)
        except KeyError:
            known = ", ".join(sorted(spider_loader.list()))
            error = FtlError(f"unknown spider {spider_name!r} (known: {known})")
            self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
            return
        # checked up front, so bad arguments exit 2 before the crawl starts, for every spider
        arguments_model: type[SpiderArguments] | None = getattr(spider_class, "arguments_model", None)
        watching = False
        if arguments_model is not None:
            try:
                # FTL_BASE_URL's project default, without copying every setting to read one
                base_url = self.settings.get("FTL_BASE_URL", DEFAULT_BASE_URL)
                arguments = arguments_model.parse(opts.spargs, base_url=base_url)
                watching = getattr(arguments, "watch", None) is not None
                if watching:
                    check_watch_feeds(self.settings)
                    if is_shared_crawl(self.settings):
                        # a shared crawl ends once its units are done; a watch polls one round on
                        raise InvalidArgumentError(
                            "watch= follows its round, tableau or event in one process: "
                            "it cannot be shared (FTL_SCHEDULER=redis)"
                        )
            except FtlError as error:
                self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
                return
        try:
            # before the crawl: a bad setting makes no request and leaves any output file alone
            checked = check_settings(self.settings)
            check_shared_crawl_settings(self.settings)
            if not watching:  # a watch's feeds were checked above: JSON lines only, appended
                check_feeds(self.settings.getdict("FEEDS"))
        except FtlError as error:
            self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
            return
        crawler = self._create_crawler(spider_class)
        self.crawler_process.crawl(crawler, **opts.spargs)
        if watching:
            # a watch stops on Ctrl-C or SIGTERM as Scrapy does, after writing the lines it has
            self.crawler_process.start()
        else:
            self._start_stoppable(crawler, checked.FTL_STOP_GRACE, checked.FTL_CALLER_WORKDIR)
            if self._interrupt.signal_name:
                self._stopped(self._interrupt.signal_name)
                return
        if self.crawler_process.bootstrap_failed:
            self._finish(CrawlOutcome(ExitStatus.FAILED, [FtlError("the crawl could not start")]))
            return
        self._finish(crawl_outcome(crawler))

    def _start_stoppable(self, crawler: Crawler, grace: float, caller_workdir: str | None) -> None:
        """Run the crawl with Ctrl-C and SIGTERM stopping it at once (``run/interrupt.py``)."""
        assert self.crawler_process is not None
        self._interrupt = interrupt = StopOnSignal(
            self.crawler_process,
            crawler,
            grace=grace,
            on_forced_exit=lambda name: self._finish(
                interrupted_outcome(name), caller_gone=interrupt.caller_gone
            ),
        )
        interrupt.install()
        if caller_workdir:
            stop_when_stdin_closes(interrupt)
        self.crawler_process.start(install_signal_handlers=False)

    def _stopped(self, signal_name: str) -> None:
        self._finish(interrupted_outcome(signal_name), caller_gone=self._interrupt.caller_gone)

    def _finish(self, outcome: CrawlOutcome, *, caller_gone: bool = False) -> None:
        assert self.settings is not None
        report_path = self.settings.get("FTL_OUTCOME_FILE")
        caller_workdir = self.settings.get("FTL_CALLER_WORKDIR")
        if caller_gone and caller_workdir:
            # fetch_pools_bundle's caller ended: nobody will read its folder, and nobody else removes it
            shutil.rmtree(caller_workdir, ignore_errors=True)
        elif report_path:
            outcome.write(report_path)
        if outcome.status is ExitStatus.PARTIAL:
            line = f"ftl_scraper: {self._incomplete_output}: {outcome.headline}"
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
        # The process ends next. Python's shutdown would walk every object left (most of them
        # modules and classes) in its last garbage collections: about 0.2 s, a sixth of a
        # 28-pool crawl. Frozen objects are skipped; the rest of the shutdown (atexit, flushes,
        # closing files) runs as usual.
        gc.freeze()
