"""Crawls shared by several workers through one Redis: a queue of whole units of work, one dupe
filter, a per-host cap held across workers, and workers that exit once the shared crawl is done."""
