"""Project commands; ``crawl`` here replaces Scrapy's own (see COMMANDS_MODULE)."""
