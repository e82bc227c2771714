"""Entry points beside the crawl command: the Python API, and how a finished crawl is judged."""
