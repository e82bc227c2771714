"""``scrapy crawl`` that exits non-zero when the crawl failed, with the cause on one line."""

from __future__ import annotations

import argparse
import shutil
import sys

from scrapy.commands import ScrapyHelpFormatter
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from ftl_scraper.config import check_settings, with_project_defaults
from ftl_scraper.errors import FtlError
from ftl_scraper.output.feeds import check_feeds, normalize_cli_outputs
from ftl_scraper.output.summary import is_debug_run
from ftl_scraper.run.interrupt import StopOnSignal, stop_when_stdin_closes
from ftl_scraper.run.outcome import CrawlOutcome, ExitStatus, crawl_outcome, interrupted_outcome
from ftl_scraper.spiders.arguments import PoolsArguments, SpiderArguments

_EXIT_MEANINGS = {
    ExitStatus.OK: "a complete bundle was written",
    ExitStatus.FAILED: "the crawl failed, was stopped (Ctrl-C, SIGTERM) or its output could not be stored; "
    "nothing written",
    ExitStatus.USAGE: "a bad argument, setting or output; nothing requested",
    ExitStatus.PARTIAL: "partial=1 wrote a bundle with complete: false",
}


class _KeepLineBreaks(ScrapyHelpFormatter):
    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "".join(indent + line for line in text.splitlines(keepends=True))


class Command(ScrapyCrawlCommand):
    """Scrapy's crawl exits 0 whatever happened to the crawl (scrapy/scrapy#1231); this one
    exits 0 on success, 1 on failure, 2 on bad arguments and 3 for a partial bundle."""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = _KeepLineBreaks  # the description below is laid out in lines

    def long_desc(self) -> str:
        arguments = "\n".join(
            f"  -a {name}=...{' ' * (14 - len(name))}{field.description}"
            for name, field in PoolsArguments.model_fields.items()
        )
        statuses = "\n".join(f"  {int(status)}  {_EXIT_MEANINGS[status]}" for status in ExitStatus)
        return (
            "Run a spider of this project (e.g. pools) and exit with a status that says how it went.\n\n"
            f"Arguments of the pools spider:\n{arguments}\n\n"
            "Output (json or jsonlines):\n"
            "  -O FILE.json     replaces FILE, whole, once the crawl succeeded (.jsonl: one line)\n"
            "  -o FILE.jsonl    appends the bundle as one more line\n"
            "  -O -             writes to standard output, as does a crawl without -O or -o\n\n"
            f"Exit status:\n{statuses}"
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        opts.output = normalize_cli_outputs(opts.output)
        opts.overwrite_output = normalize_cli_outputs(opts.overwrite_output)
        assert self.settings is not None
        if not (opts.output or opts.overwrite_output or self.settings.getdict("FEEDS")):
            opts.overwrite_output = ["-:json"]  # no output given: the bundle goes to stdout
        super().process_options(args, opts)
        if not is_debug_run(self.settings):
            # Scrapy's CrawlerProcess logs its version table as it starts, before any addon or
            # logger level can step in; the table is for bug reports, which `-L DEBUG` gives
            self.settings.set("LOG_VERSIONS", [], priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. 'scrapy crawl pools'")
        assert self.crawler_process is not None
        assert self.settings is not None
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
                arguments_model.parse(opts.spargs, base_url=base_url)
            except FtlError as error:
                self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
                return
        try:
            # before the crawl: a bad setting makes no request and leaves any output file alone
            checked = check_settings(self.settings)
            check_feeds(self.settings.getdict("FEEDS"))
        except FtlError as error:
            self._finish(CrawlOutcome(ExitStatus.USAGE, [error]))
            return
        crawler = self._create_crawler(spider_class)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self._interrupt = interrupt = StopOnSignal(
            self.crawler_process,
            crawler,
            grace=checked.FTL_STOP_GRACE,
            on_forced_exit=lambda name: self._finish(
                interrupted_outcome(name), caller_gone=interrupt.caller_gone
            ),
        )
        interrupt.install()
        if checked.FTL_CALLER_WORKDIR:
            stop_when_stdin_closes(interrupt)
        self.crawler_process.start(install_signal_handlers=False)
        if interrupt.signal_name:
            self._stopped(interrupt.signal_name)
            return
        if self.crawler_process.bootstrap_failed:
            self._finish(CrawlOutcome(ExitStatus.FAILED, [FtlError("the crawl could not start")]))
            return
        self._finish(crawl_outcome(crawler))

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
            print(f"ftl_scraper: partial bundle written: {outcome.headline}", file=sys.stderr)
        elif outcome.status is not ExitStatus.OK:
            print(f"ftl_scraper: error: {outcome.headline}", file=sys.stderr)
        self.exitcode = int(outcome.status)
