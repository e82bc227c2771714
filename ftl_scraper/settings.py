"""Project settings: only what a Scrapy project file must hold; every default is in the addon."""

BOT_NAME = "ftl_scraper"
SPIDER_MODULES = ["ftl_scraper.spiders"]
# imports only the spider a command runs (Scrapy's own loader imports every spider module)
SPIDER_LOADER_CLASS = "ftl_scraper.spiders.loader.FtlSpiderLoader"
NEWSPIDER_MODULE = "ftl_scraper.spiders"
# the project's `crawl` command replaces Scrapy's to give failures a non-zero exit status
COMMANDS_MODULE = "ftl_scraper.commands"

# One switch for the whole setup: components and defaults (ftl_scraper.config.FtlSettings).
ADDONS = {"ftl_scraper.addon.FtlAddon": 0}

# Quiet by default: a run prints its summary, -L DEBUG shows everything. Scrapy sets up logging
# from the project settings before any addon runs, so this one cannot live in the addon.
LOG_LEVEL = "INFO"
