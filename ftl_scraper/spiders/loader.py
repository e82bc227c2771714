"""Finds the project's spiders by name and imports only the one asked for."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from scrapy import Request, Spider

#: every spider of ``ftl_scraper.spiders`` by name (a test checks it against the modules)
PROJECT_SPIDERS = {
    "pools": "ftl_scraper.spiders.pools.PoolsSpider",
    "tableau": "ftl_scraper.spiders.tableau.TableauSpider",
    "event": "ftl_scraper.spiders.event.EventSpider",
    "tournament": "ftl_scraper.spiders.tournament.TournamentSpider",
}
PROJECT_SPIDER_MODULE = "ftl_scraper.spiders"


class FtlSpiderLoader(SpiderLoader):
    """Scrapy's loader imports every module of ``SPIDER_MODULES`` to find one spider, so each crawl
    would build every spider's models and parsers as it starts. This one knows the project's
    spiders by name and imports a spider's module when it is asked for; other spider modules
    of the settings (a project built on this one) are searched as Scrapy does."""

    def _load_all_spiders(self) -> None:
        self._project_spiders = dict(PROJECT_SPIDERS) if PROJECT_SPIDER_MODULE in self.spider_modules else {}
        self.spider_modules = [module for module in self.spider_modules if module != PROJECT_SPIDER_MODULE]
        super()._load_all_spiders()

    def load(self, spider_name: str) -> type[Spider]:
        if spider_name not in self._spiders and spider_name in self._project_spiders:
            self._spiders[spider_name] = load_object(self._project_spiders[spider_name])
        return super().load(spider_name)

    def list(self) -> list[str]:
        return [
            *self._project_spiders,
            *(name for name in super().list() if name not in self._project_spiders),
        ]

    def find_by_request(self, request: Request) -> builtins.list[str]:
        for name in self._project_spiders:
            self.load(name)
        return super().find_by_request(request)
