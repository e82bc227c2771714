"""Benchmarks of ftl_scraper: crawl speed, politeness and scaling against a loopback fake FTL."""
