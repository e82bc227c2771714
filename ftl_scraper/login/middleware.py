"""Log in to FTL once, keep the session between runs, and send its cookie with every FTL request."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any, NoReturn, Self
from urllib.parse import urlencode, urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.utils.httpobj import urlparse_cached

from ftl_scraper.errors import FetchError, FtlError, LoginRefusedError, LoginRequiredError
from ftl_scraper.login.credentials import SESSION_COOKIE, Credentials, LoginConfig
from ftl_scraper.login.login_wall import is_login_wall
from ftl_scraper.login.session_store import SessionStore, StoredSession
from ftl_scraper.site.login import LOGIN_PAGE_PATH, LOGIN_POST_PATH, LOGIN_REQUIRED_MESSAGE

logger = logging.getLogger(__name__)

#: A session refused mid-crawl is replaced by one fresh login; a second refusal ends the crawl.
MAX_LOGINS_PER_CRAWL = 2
#: Safety net against a request bouncing between the wall and the middleware forever.
_MAX_REISSUES_PER_REQUEST = MAX_LOGINS_PER_CRAWL + 1

# request.meta keys; the session itself is never put in meta (meta travels into errbacks)
LOGIN_REQUEST_META = "ftl_login_request"
_SESSION_GENERATION_META = "ftl_session_generation"
_REISSUE_META = "ftl_login_reissues"


@dataclass(frozen=True)
class _Session:
    cookie_value: str = field(repr=False)
    expires_at: float | None
    #: "FTL_COOKIE", "FTL_COOKIES_FILE", "saved session" or "login"
    source: str
    #: bumped for every new session, so a refused request can tell whether it is already stale
    generation: int


class FtlLoginMiddleware:
    """Carries FTL's ``connect.sid`` on every FTL request and logs in when there is none.

    - With credentials: the saved session for this account and host is reused; without one,
      the middleware logs in before the first request that reaches the network (a run served
      from the HTTP cache never logs in). A session FTL refuses is replaced by one fresh login.
    - With a cookie only (``FTL_COOKIE``/``FTL_COOKIES_FILE``): it is sent as given.
    - With neither: no extra request at all; if FTL shows its login wall, the crawl fails with
      a message saying which variables to set.

    Sits between the HTTP cache (900) and the login wall (650): its ``process_request`` only
    sees cache misses, and its ``process_response`` sees FTL's 302 to the login page before
    RedirectMiddleware (600) follows it or LoginWallMiddleware turns it into an error.
    """

    def __init__(self, crawler: Crawler, config: LoginConfig | None, config_error: FtlError | None) -> None:
        self.crawler = crawler
        self.config = config
        self.config_error = config_error
        self.store = SessionStore(config.state_dir) if config and config.state_dir else None
        origin = urlsplit(config.base_url) if config else None
        self._origin = (origin.scheme, origin.netloc) if origin else None
        # one login at a time: concurrent pool requests that meet the wall wait for the same login
        self._lock = asyncio.Lock()
        self._session: _Session | None = None
        self._session_loaded = False
        self._generation = 0
        self._logins = 0
        #: once logging in failed, every later request fails the same way without a new attempt
        self._failure: FtlError | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        try:
            config: LoginConfig | None = LoginConfig.from_settings(crawler.settings)
            error = None
        except FtlError as config_error:
            # raised from process_request instead, so it reaches the spider's errback and
            # the CLI prints it as the one-line cause (an exception here is a bare traceback)
            config, error = None, config_error
        return cls(crawler, config, error)

    # -- the downloader middleware interface

    async def process_request(self, request: Request) -> None:
        if request.meta.get(LOGIN_REQUEST_META):
            return
        if self.config_error is not None:
            raise _fresh_copy(self.config_error)
        if not self._is_ftl(request):
            return  # FtlHostOnlyMiddleware refuses it; never send the session elsewhere
        session = await self._session_for_new_request()
        if session is not None:
            _set_session_cookie(request.headers, session.cookie_value)
            request.meta[_SESSION_GENERATION_META] = session.generation

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get(LOGIN_REQUEST_META) or not self._is_ftl(request):
            return response
        if not is_login_wall(request, response):
            return response
        reissues = request.meta.get(_REISSUE_META, 0) + 1
        if reissues > _MAX_REISSUES_PER_REQUEST:
            raise LoginRefusedError("FTL keeps answering with its login page although logged in")
        await self._replace_refused_session(request.meta.get(_SESSION_GENERATION_META))
        retry = request.replace(dont_filter=True)
        retry.headers.pop(b"Cookie", None)  # process_request sets the new session's cookie
        retry.meta[_REISSUE_META] = reissues
        retry.meta.pop(_SESSION_GENERATION_META, None)
        return retry

    # -- sessions

    def _is_ftl(self, request: Request) -> bool:
        parts = urlparse_cached(request)
        return (parts.scheme, parts.netloc) == self._origin

    async def _session_for_new_request(self) -> _Session | None:
        if self._session is None and not self._session_loaded:
            self._session_loaded = True
            self._session = self._initial_session()
        if self._session is not None:
            return self._session
        if self._failure is not None:
            raise _fresh_copy(self._failure)
        assert self.config is not None
        if self.config.credentials is None:
            return None  # nothing to send; FTL may not demand a login for this page
        async with self._lock:
            if self._failure is not None:
                raise _fresh_copy(self._failure)  # the login another request waited for failed
            if self._session is None:
                await self._log_in()
        return self._session

    def _initial_session(self) -> _Session | None:
        assert self.config is not None
        stats = self.crawler.stats
        if self.config.given_cookie:
            stats.set_value("ftl/login/session_source", self.config.given_cookie_source)
            return self._new_session(self.config.given_cookie, None, self.config.given_cookie_source)
        credentials = self.config.credentials
        if credentials is None or self.store is None:
            return None
        stored = self.store.load(credentials.username, self.config.host)
        if stored is None:
            return None
        stats.set_value("ftl/login/session_source", "saved session")
        logger.debug("Reusing the saved FTL session of %s", credentials.username)
        return self._new_session(stored.cookie_value, stored.expires_at, "saved session")

    def _new_session(self, cookie_value: str, expires_at: float | None, source: str) -> _Session:
        self._generation += 1
        return _Session(cookie_value, expires_at, source, self._generation)

    async def _replace_refused_session(self, sent_generation: int | None) -> None:
        """Called for a request that met the login wall; returns once a newer session exists."""
        assert self.config is not None
        async with self._lock:
            if self._failure is not None:
                raise _fresh_copy(self._failure)
            current = self._session
            if current is not None and current.generation != sent_generation:
                return  # another request already replaced the session this one carried
            if current is not None:
                self._forget_refused(current)
            credentials = self.config.credentials
            if credentials is None:
                if current is None:
                    self._fail(LoginRequiredError(LOGIN_REQUIRED_MESSAGE))
                self._fail(
                    LoginRefusedError(
                        f"FTL refused the session cookie from {self.config.given_cookie_source}: sign in "
                        f"in a browser and copy a fresh {SESSION_COOKIE}, "
                        "or set FTL_USERNAME and FTL_PASSWORD"
                    )
                )
            if self._logins >= MAX_LOGINS_PER_CRAWL:
                self._fail(
                    LoginRefusedError(
                        f"FTL refused the session again after {self._logins} logins as "
                        f"{credentials.username} in this run; try again later"
                    )
                )
            await self._log_in()

    def _forget_refused(self, session: _Session) -> None:
        assert self.config is not None
        self.crawler.stats.inc_value("ftl/login/session_refused")
        self._session = None
        credentials = self.config.credentials
        if credentials is None:
            return
        if self.store is not None:
            self.store.delete(credentials.username, self.config.host)
        refused = {"saved session": "the saved session", "login": "the session of this run's login"}.get(
            session.source, f"the session cookie from {session.source}"
        )
        logger.info("FTL refused %s; logging in again as %s", refused, credentials.username)

    def _fail(self, error: FtlError) -> NoReturn:
        self._failure = error
        raise _fresh_copy(error)

    # -- logging in (requests through the engine, so retry, timeout and host guard apply)

    async def _log_in(self) -> None:
        assert self.config is not None
        assert self.config.credentials is not None
        credentials = self.config.credentials
        self._logins += 1
        self.crawler.stats.inc_value("ftl/login/count")
        try:
            csrf_token, anonymous_session = await self._open_login_form()
            response = await self._post_login(credentials, csrf_token, anonymous_session)
        except FtlError as error:
            self._fail(error)
        except Exception as error:
            # a network failure after the retries: say so once instead of trying per request
            self._fail(FetchError(f"could not log in to FTL: {type(error).__name__}: {error}"))
        login_url = urljoin(self.config.base_url, LOGIN_POST_PATH)
        if response.status == 429 or response.status >= 500:
            self._fail(
                FetchError(f"FTL's login answered HTTP {response.status}; try again later", url=login_url)
            )
        if response.status != 200 or not _is_return_path(response):
            # 401 is FTL's "Invalid email or password"; other answers are named for diagnosis
            status = "" if response.status in (200, 401) else f" (HTTP {response.status})"
            self._fail(
                LoginRefusedError(
                    f"FTL refused the login for {credentials.username}{status}: "
                    "check FTL_USERNAME and FTL_PASSWORD"
                )
            )
        cookie = _session_cookie(response.headers)
        value = cookie[0] if cookie else anonymous_session  # no Set-Cookie: the session was upgraded
        if not value:
            self._fail(
                LoginRefusedError(
                    f"FTL accepted the login for {credentials.username} but sent no session cookie"
                )
            )
        expires_at = cookie[1] if cookie else None
        self._session = self._new_session(value, expires_at, "login")
        self.crawler.stats.set_value("ftl/login/session_source", "login")
        saved = ""
        if self.store is not None:
            try:
                self.store.save(credentials.username, self.config.host, StoredSession(value, expires_at))
                saved = "; session saved for the next runs"
            except OSError as error:
                # the crawl can go on with this session; the next run just logs in again
                logger.warning(
                    "Could not save the FTL session in %s: %s", self.store.directory, error.strerror
                )
        logger.info("Logged in to FTL as %s%s", credentials.username, saved)

    async def _open_login_form(self) -> tuple[str, str | None]:
        assert self.config is not None
        url = urljoin(self.config.base_url, LOGIN_PAGE_PATH)
        response = await self._download(Request(url, meta=_login_meta(), dont_filter=True))
        if response.status != 200 or not isinstance(response, TextResponse):
            raise FetchError(f"FTL's login page answered HTTP {response.status}", url=url)
        csrf_token = response.xpath('//meta[@name="csrf_token"]/@content').get()
        if not csrf_token:
            raise FetchError("FTL's login page has no csrf_token meta tag; its login flow changed", url=url)
        cookie = _session_cookie(response.headers)
        return csrf_token, cookie[0] if cookie else None

    async def _post_login(
        self, credentials: Credentials, csrf_token: str, anonymous_session: str | None
    ) -> Response:
        assert self.config is not None
        headers = Headers(
            {
                "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                "X-Csrf-Token": csrf_token,
                "Referer": urljoin(self.config.base_url, LOGIN_PAGE_PATH),
            }
        )
        if anonymous_session:
            _set_session_cookie(headers, anonymous_session)
        request = Request(
            urljoin(self.config.base_url, LOGIN_POST_PATH),
            method="POST",
            body=urlencode({"username": credentials.username, "password": credentials.password}),
            headers=headers,
            # never replay a password on our own: a retried login risks FTL's lockout
            meta={**_login_meta(), "dont_retry": True},
            dont_filter=True,
        )
        return await self._download(request)

    async def _download(self, request: Request) -> Response:
        assert self.crawler.engine is not None
        return await self.crawler.engine.download_async(request)


# -- helpers


def _login_meta() -> dict[str, Any]:
    return {
        LOGIN_REQUEST_META: True,
        # the POST body holds the password and the answers hold session cookies
        "dont_cache": True,
        # the cookie jar must not keep (or resend) the login's cookies: this middleware owns them
        "dont_merge_cookies": True,
        # a failed login may be a 302 back to the form: judge that answer, do not follow it
        "dont_redirect": True,
    }


def _set_session_cookie(headers: Headers, value: str) -> None:
    """Put ``connect.sid`` in the Cookie header, keeping any other cookie the jar added."""
    others = [
        part.strip()
        for header in headers.getlist(b"Cookie")
        for part in header.decode("latin-1").split(";")
        if part.strip() and part.strip().partition("=")[0] != SESSION_COOKIE
    ]
    headers[b"Cookie"] = "; ".join([*others, f"{SESSION_COOKIE}={value}"])


def _session_cookie(headers: Headers) -> tuple[str, float | None] | None:
    """``connect.sid`` and its expiry (epoch seconds) from the Set-Cookie headers, if sent."""
    for raw in headers.getlist(b"Set-Cookie"):
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw.decode("latin-1"))
        except CookieError:
            continue
        morsel = jar.get(SESSION_COOKIE)
        if morsel is None or not morsel.value:
            continue
        return morsel.value, _expiry(morsel["max-age"], morsel["expires"])
    return None


def _expiry(max_age: str, expires: str) -> float | None:
    if max_age.strip().lstrip("-").isdigit():
        return time.time() + int(max_age)
    if expires:
        try:
            return parsedate_to_datetime(expires).timestamp()
        except (TypeError, ValueError):
            return None
    return None


def _is_return_path(response: Response) -> bool:
    # FTL answers a good login with the URL to go back to ("/"), a bad one with a message
    body = response.body.strip()
    return body.startswith((b"/", b"http://", b"https://")) and len(body) < 2048


def _fresh_copy(error: FtlError) -> FtlError:
    # one instance per failed request: the spider fills in each request's own URL
    return type(error)(error.message, url=error.url)
