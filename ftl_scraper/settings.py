"""Project settings: each default with the reason it is set."""

from ftl_scraper.paths import default_cache_dir, default_state_dir

BOT_NAME = "ftl_scraper"
SPIDER_MODULES = ["ftl_scraper.spiders"]
NEWSPIDER_MODULE = "ftl_scraper.spiders"
# the project's `crawl` command replaces Scrapy's to give failures a non-zero exit status
COMMANDS_MODULE = "ftl_scraper.commands"

# Where FTL lives; tests and users point it at another root (e.g. a local stand-in).
FTL_BASE_URL = "https://www.fencingtimelive.com"

# Logged-in sessions are kept here between runs (0600 files), so FTL sees one login per session
# lifetime (10 days), not one per run. Default: $FTL_STATE_DIR, else $XDG_STATE_HOME/ftl_scraper.
FTL_STATE_DIR = str(default_state_dir())
# Credentials are deliberately not settings here: FtlLoginMiddleware reads FTL_USERNAME,
# FTL_PASSWORD, FTL_COOKIE and FTL_COOKIES_FILE from the environment (or from project/spider
# settings), and refuses a password or cookie given with `-s`, which would stay in shell history.

# One switch for the project's components (middlewares, cache policy, feed storage).
ADDONS = {"ftl_scraper.addon.FtlAddon": 0}

# Identify ourselves honestly; FTL is a small service run for the fencing community.
USER_AGENT = "ftl_scraper/0.1 (Scrapy; FencingTimeLive pool-round reader)"
# The crawl reads only the pages a browser loads for one pool round; robots.txt would be
# one more request on every run for a site that publishes none of these paths there.
ROBOTSTXT_OBEY = False

# Politeness: at most 8 requests in flight to FTL (FtlDownloader makes the cap hold).
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Requests the engine hands the downloader at once: the next ones wait in FTL's slot, ready to go
# out the moment a transfer ends.
CONCURRENT_REQUESTS = 16
# No fixed pause between requests: the cap above and the retry backoff keep the load polite.
DOWNLOAD_DELAY = 0
# A page yields one item, folded in synchronously; Scrapy's 100 would start 100 tasks per page.
CONCURRENT_ITEMS = 1
# A live-results page that takes longer than this is better retried than waited for.
DOWNLOAD_TIMEOUT = 10

# Three attempts in all; 4xx other than 408/429 are the page's final answer.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Wait base * 2**(n-1) + U(0, base) seconds before retry n, at most the cap (BackoffRetryMiddleware).
FTL_RETRY_BACKOFF_BASE = 0.5
FTL_RETRY_BACKOFF_MAX = 8.0
# A Retry-After (429/503) longer than our backoff is honoured up to this; beyond, the page fails.
FTL_RETRY_AFTER_MAX = 30.0
# None = fresh jitter each run; tests set an int for reproducible gaps.
FTL_RETRY_JITTER_SEED = None
# This many failed attempts in a row (5xx, 429, timeouts, resets) mean FTL is down: stop (0 = off).
FTL_CIRCUIT_BREAKER_THRESHOLD = 5

# Pages change as bouts are fenced: keep them three minutes, never keep an error.
HTTPCACHE_ENABLED = True
HTTPCACHE_EXPIRATION_SECS = 180
HTTPCACHE_DIR = str(default_cache_dir())
HTTPCACHE_IGNORE_HTTP_CODES = list(range(300, 600))
HTTPCACHE_IGNORE_SCHEMES = ["file", "data"]

# Cassettes (CassetteMiddleware): a folder of recorded responses, or a shipped name ("demo").
# Unset = talk to FTL. Set, the default mode is replay: FTL pages with no network and no account.
FTL_CASSETTE = None
# replay | record | new_episodes | once (betamax's modes); only read when FTL_CASSETTE is set.
FTL_CASSETTE_MODE = "replay"

# Ctrl-C/SIGTERM stop sending at once and abandon transfers; if the crawl has not closed this many
# seconds later, the process exits anyway (a second signal exits at once).
FTL_STOP_GRACE = 1.5
# Set by fetch_pools_bundle: its child crawl stops when the caller's end closes its stdin.
FTL_STOP_WHEN_STDIN_CLOSES = False

# A failed run must not leave an empty or truncated output file behind.
FEED_STORE_EMPTY = False
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_INDENT = 2

# Quiet by default: a run prints its summary, -L DEBUG shows everything.
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
