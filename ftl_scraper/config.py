"""The project's settings: each default with its reason, what each must hold, and the one check run
before a crawl (the addon installs the defaults, the ``crawl`` command runs the check)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticUndefined
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from ftl_scraper.cassette.format import INDEX_FILE, Cassette, resolve_cassette_folder, shipped_cassettes
from ftl_scraper.cassette.middleware import CassetteMode
from ftl_scraper.errors import InvalidSettingError
from ftl_scraper.login.credentials import CREDENTIAL_SETTINGS, LoginConfig
from ftl_scraper.paths import default_cache_dir, default_state_dir
from ftl_scraper.site.urls import DEFAULT_BASE_URL, normalize_base_url


def _split_list(value: Any) -> Any:
    # the way Scrapy's getlist reads a list given with -s: "500,502,503"
    return [part.strip() for part in value.split(",")] if isinstance(value, str) else value


_IntList = Annotated[list[int], BeforeValidator(_split_list)]


class FtlSettings(BaseModel):
    """Every ``FTL_*`` setting and the Scrapy settings the project relies on.

    A field with a default is a project default: the addon sets it at addon priority, so a
    project, spider or command-line setting still wins. A field without one keeps Scrapy's
    default and is only checked.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    # -- where FTL lives
    FTL_BASE_URL: str = Field(
        DEFAULT_BASE_URL, description="FTL's site root; the only host the crawl ever contacts"
    )
    # -- logged-in sessions are kept here between runs (0600 files), so FTL sees one login per
    # session lifetime (10 days), not one per run. Credentials are deliberately not settings:
    # the login middleware reads them from the environment and refuses them given with -s.
    FTL_STATE_DIR: str = Field(
        default_factory=lambda: str(default_state_dir()),
        description="$FTL_STATE_DIR, else $XDG_STATE_HOME/ftl_scraper",
    )

    # -- politeness and speed
    # Identify ourselves honestly; FTL is a small service run for the fencing community.
    USER_AGENT: str = "ftl_scraper/0.1 (Scrapy; FencingTimeLive pool-round reader)"
    # Scrapy's own 8 requests in flight to FTL at most (FtlDownloader makes the cap hold); 0 or
    # less would leave every request waiting forever. No fixed pause between requests (Scrapy's
    # DOWNLOAD_DELAY stays 0): the cap and the retry backoff keep the load polite.
    CONCURRENT_REQUESTS_PER_DOMAIN: int = Field(ge=1)
    CONCURRENT_REQUESTS: int = Field(ge=0, description="Scrapy's default; 0 = no global cap")
    DOWNLOAD_DELAY: float = Field(ge=0)
    # A page yields one item, folded in synchronously; Scrapy's 100 would start 100 tasks per page.
    CONCURRENT_ITEMS: int = Field(1, ge=1)
    # A live-results page that takes longer than this is better retried than waited for.
    DOWNLOAD_TIMEOUT: float = Field(10, gt=0)
    # Scrapy reads and parses the source of each callback again in every crawl, to warn of a
    # generator that returns a value: a few ms of every client call. The project's callbacks are
    # checked once, by tests/test_spider_callbacks.py.
    WARN_ON_GENERATOR_RETURN_VALUE: bool = False

    # -- retries: Scrapy's own count (3 attempts in all) and codes (5xx, 408, 429), with backoff
    RETRY_TIMES: int = Field(ge=0)
    RETRY_HTTP_CODES: _IntList
    # Wait base * 2**(n-1) + U(0, base) seconds before retry n, at most the cap.
    FTL_RETRY_BACKOFF_BASE: float = Field(0.5, ge=0)
    FTL_RETRY_BACKOFF_MAX: float = Field(8.0, ge=0)
    # A Retry-After (429/503) longer than our backoff is honoured up to this; beyond, the page fails.
    FTL_RETRY_AFTER_MAX: float = Field(30.0, ge=0)
    # This many failed attempts in a row (5xx, 429, timeouts, resets) mean FTL is down (0 = off).
    FTL_CIRCUIT_BREAKER_THRESHOLD: int = Field(5, ge=0)
    # None = fresh jitter each run; an int makes the retry gaps reproducible (the tests use it)
    FTL_RETRY_JITTER_SEED: int | None = None

    # -- the HTTP cache: pages change as bouts are fenced, so keep them three minutes, and
    # never keep an error or a redirect (a cached 503 would answer the retries too)
    HTTPCACHE_ENABLED: bool = True
    HTTPCACHE_EXPIRATION_SECS: int = Field(180, ge=0)
    HTTPCACHE_DIR: str = Field(
        default_factory=lambda: str(default_cache_dir()),
        description="$FTL_CACHE_DIR, else $XDG_CACHE_HOME/ftl_scraper/httpcache",
    )
    HTTPCACHE_IGNORE_HTTP_CODES: _IntList = Field(default_factory=lambda: list(range(300, 600)))

    # -- cassettes: unset = talk to FTL; a folder, or a shipped name ("demo"), replayed by default
    FTL_CASSETTE: str | None = None
    FTL_CASSETTE_MODE: CassetteMode = CassetteMode.REPLAY

    # -- shared crawls (ftl_scraper/distributed): "redis" makes this process one worker of a crawl
    # shared through the Redis at REDIS_URL (scrapy-redis's setting name); checked, with Redis
    # answering, by distributed.checks (the redis extra is imported only then)
    FTL_SCHEDULER: str | None = None
    REDIS_URL: str = "redis://localhost:6379/0"
    # Requests in flight to FTL from all workers together (0 = CONCURRENT_REQUESTS_PER_DOMAIN).
    FTL_SHARED_HOST_CAP: int = Field(0, ge=0)
    # Names the shared crawl; unset, it comes from the spider and its arguments, so workers
    # started with the same command share one crawl.
    FTL_CRAWL_ID: str | None = None
    # A shared crawl's state stays this long after its last worker left: a worker started later
    # with the same command finds the work done; a new FTL_CRAWL_ID crawls again sooner.
    FTL_REDIS_KEEP: int = Field(600, ge=1)

    # -- output: a failed run must not leave an empty or truncated file behind
    FEED_STORE_EMPTY: bool = False
    FEED_EXPORT_ENCODING: str = "utf-8"
    FEED_EXPORT_INDENT: int = Field(2, ge=0)
    FTL_OUTCOME_FILE: str | None = Field(
        None, description="the crawl command writes its outcome (status and errors) here as JSON"
    )
    # Event and tournament crawls show events done / found on stderr as they go.
    FTL_PROGRESS: bool = True

    # -- a watch (-a watch=<seconds>, 15 or more) polls this often instead, when set: a stand-in FTL
    # on this machine can be polled many times a second (tests, benchmarks); FTL itself must not be
    FTL_WATCH_POLL_INTERVAL: float | None = Field(
        None, gt=0, description="seconds between a watch's polls, replacing -a watch's (no 15 s floor)"
    )

    # -- Ctrl-C/SIGTERM stop sending at once and abandon transfers; if the crawl has not closed
    # this many seconds later, the process exits anyway (a second signal exits at once)
    FTL_STOP_GRACE: float = Field(1.5, gt=0)
    # set by fetch_pools_bundle to the call's temporary folder: the crawl stops when its stdin
    # closes (the caller has ended, however it ended) and then removes that folder
    FTL_CALLER_WORKDIR: str | None = None

    # -- no listening ports: a crawl takes no remote commands
    TELNETCONSOLE_ENABLED: bool = False
    REMOTE_CONTROL_ENABLED: bool = False

    @field_validator("FTL_BASE_URL")
    @classmethod
    def _site_root(cls, value: str) -> str:
        normalize_base_url(value)
        return value

    @field_validator("FTL_CASSETTE_MODE", mode="before")
    @classmethod
    def _cassette_mode(cls, value: Any) -> Any:
        return CassetteMode.parse(value) if value is not None else CassetteMode.REPLAY

    @model_validator(mode="after")
    def _cassette_readable(self) -> FtlSettings:
        if not self.FTL_CASSETTE:
            return self
        recording = self.FTL_CASSETTE_MODE is not CassetteMode.REPLAY
        folder = resolve_cassette_folder(self.FTL_CASSETTE, recording=recording)
        if self.FTL_CASSETTE_MODE is CassetteMode.REPLAY and not (folder / INDEX_FILE).is_file():
            shipped = ", ".join(shipped_cassettes()) or "none"
            raise InvalidSettingError(
                f"FTL_CASSETTE must be a recorded cassette folder or a shipped name ({shipped}), "
                f"got {self.FTL_CASSETTE!r}: {folder / INDEX_FILE} does not exist"
            )
        Cassette.load(folder)  # a broken index.json fails here, not at the first request
        return self

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """The project defaults, by setting name (what the addon installs)."""
        defaults = {}
        for name, field in cls.model_fields.items():
            if field.default is PydanticUndefined and field.default_factory is None:
                continue  # Scrapy's own default stays
            value = field.get_default(call_default_factory=True)
            if value is not None:
                defaults[name] = value.value if isinstance(value, CassetteMode) else value
        return defaults


def apply_project_defaults(settings: BaseSettings) -> None:
    """The project defaults, set at addon priority: any project, spider or command-line setting wins."""
    for name, value in FtlSettings.defaults().items():
        settings.set(name, value, priority="addon")


def with_project_defaults(settings: BaseSettings) -> BaseSettings:
    """A copy of ``settings`` with the project defaults in (as a crawl sees them)."""
    effective = settings.copy()
    apply_project_defaults(effective)
    return effective


def check_settings(settings: BaseSettings) -> FtlSettings:
    """Check every setting the project relies on, before the crawl; raises ``InvalidSettingError``
    (one line naming the setting and what it must hold) or the login's ``InvalidArgumentError``."""
    effective = with_project_defaults(settings)
    _refuse_unknown_ftl_settings(effective)
    values = {name: effective.get(name) for name in FtlSettings.model_fields}
    try:
        checked = FtlSettings.model_validate(values)
    except ValidationError as error:
        raise _setting_error(error) from None
    # credentials: a password or cookie given with -s is refused even when no request would
    # need it (the cache or a cassette answering), as it already sits in the shell history
    LoginConfig.from_settings(effective)
    return checked


def _refuse_unknown_ftl_settings(settings: BaseSettings) -> None:
    # a misspelt name (FTL_CASETTE) would otherwise be ignored without a word; only what a user
    # gave (project file or -s) is checked, so another addon may set FTL_* names of its own
    known = {*FtlSettings.model_fields, *CREDENTIAL_SETTINGS}
    for name in sorted(settings):
        given = (settings.getpriority(name) or 0) >= SETTINGS_PRIORITIES["project"]
        if name.startswith("FTL_") and name not in known and given:
            known_ftl = ", ".join(sorted(known_name for known_name in known if known_name.startswith("FTL_")))
            raise InvalidSettingError(f"unknown setting {name} (known: {known_ftl})")


def _setting_error(error: ValidationError) -> InvalidSettingError:
    first = error.errors()[0]
    if first["type"] == "value_error":  # one of our own checks: its message names the setting
        return InvalidSettingError(first["msg"].removeprefix("Value error, "))
    name, *inside = first["loc"]
    expected = first["msg"].split(",")[0].replace("Input should be", "must be", 1)
    subject = f"{name} items" if inside else str(name)
    return InvalidSettingError(f"{subject} {expected}, got {first['input']!r}")
