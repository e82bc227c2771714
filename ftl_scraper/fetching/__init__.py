"""Getting pages from FTL politely: capped downloader, backoff retries, breaker, host guard, HTTP cache."""
